//! The loopback listener for the browser sign-in refuses a redirect whose `state` is not the
//! one centry sent, keeps waiting, and accepts the real one once.

use centry::services::callback::CallbackListener;

#[tokio::test]
async fn a_wrong_state_is_refused_and_the_right_one_completes() {
    let listener = CallbackListener::bind("expected-state-123".into())
        .await
        .unwrap();
    let port = listener.port();
    let waiting = tokio::spawn(listener.wait());
    let http = reqwest::Client::new();
    let forged = http
        .get(format!(
            "http://127.0.0.1:{port}/oauth/callback?code=attacker&state=guess"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 400);
    assert!(
        !waiting.is_finished(),
        "a forged redirect does not complete the sign-in"
    );
    let other = http
        .get(format!("http://127.0.0.1:{port}/elsewhere"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
    let real = http
        .get(format!(
            "http://127.0.0.1:{port}/oauth/callback?code=good&state=expected-state-123"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(real.status(), 200);
    assert_eq!(waiting.await.unwrap().unwrap(), "good");
}

#[tokio::test]
async fn it_listens_on_loopback_only() {
    let listener = CallbackListener::bind("s".into()).await.unwrap();
    let port = listener.port();
    // Whatever the host's addresses, only 127.0.0.1 accepts connections.
    let ok = tokio::net::TcpStream::connect(("127.0.0.1", port)).await;
    assert!(ok.is_ok());
    // On Linux all of 127.0.0.0/8 reaches this host: a listener bound to 0.0.0.0 (or to the
    // wrong address) would accept on 127.0.0.2 too. One bound to 127.0.0.1 refuses it.
    #[cfg(target_os = "linux")]
    {
        let other = tokio::net::TcpStream::connect(("127.0.0.2", port)).await;
        assert!(
            other.is_err(),
            "the callback listener accepted on 127.0.0.2"
        );
    }
    drop(listener);
}
