//! A small typed JSON client for the AWS APIs that have no SDK crate (the portal's application
//! list, Amazon Q Developer, console federation): one place that sends, reads the error shape
//! (`__type` / `x-amzn-ErrorType` + message) and classifies it like the SDK errors.

use serde_json::Value;

use super::error::classify;
use super::{ErrorKind, ServiceError};

/// Turn a non-2xx answer into a [`ServiceError`].
pub fn error_from(
    operation: &str,
    status: u16,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> ServiceError {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let code = headers
        .get("x-amzn-errortype")
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| v.get("__type").and_then(Value::as_str).map(str::to_string))
        .map(|c| {
            c.split(':')
                .next()
                .unwrap_or_default()
                .rsplit('#')
                .next()
                .unwrap_or_default()
                .to_string()
        });
    let message = ["message", "Message", "errorMessage"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
        .map(str::to_string)
        .unwrap_or_else(|| format!("HTTP {status}"));
    let mut kind = classify(code.as_deref());
    if kind == ErrorKind::Other {
        kind = match status {
            401 => ErrorKind::SignInExpired,
            403 => ErrorKind::AccessDenied,
            404 => ErrorKind::NotFound,
            429 => ErrorKind::Throttled,
            500..=599 => ErrorKind::ServiceFault,
            _ => ErrorKind::Other,
        };
    }
    ServiceError {
        operation: operation.to_string(),
        kind,
        code,
        message,
    }
}

/// Send a request and parse a JSON answer.
pub async fn send_json(
    operation: &str,
    req: reqwest::RequestBuilder,
) -> Result<Value, ServiceError> {
    let resp = req.send().await.map_err(|e| {
        if e.is_connect() {
            let to = e
                .url()
                .and_then(|u| {
                    Some(format!(
                        " to {}:{}",
                        u.host_str()?,
                        u.port_or_known_default()?
                    ))
                })
                .unwrap_or_default();
            return ServiceError::new(
                operation,
                ErrorKind::Unreachable,
                format!("could not connect{to}"),
            );
        }
        let msg = if e.is_timeout() {
            "timed out"
        } else {
            "request failed"
        };
        ServiceError::new(operation, ErrorKind::Network, msg)
    })?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.text().await.map_err(|_| {
        ServiceError::new(
            operation,
            ErrorKind::Network,
            "the connection broke while reading the answer",
        )
    })?;
    if !(200..300).contains(&status) {
        return Err(error_from(operation, status, &headers, &body));
    }
    if body.trim().is_empty() {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_str(&body).map_err(|e| {
        ServiceError::new(
            operation,
            ErrorKind::Other,
            format!("the answer was not valid JSON: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_read_from_header_or_body() {
        let mut h = reqwest::header::HeaderMap::new();
        let e = error_from(
            "Op",
            400,
            &h,
            r#"{"__type":"com.amazon#AccessDeniedException","message":"no"}"#,
        );
        assert_eq!(e.kind, ErrorKind::AccessDenied);
        assert_eq!(e.message, "no");
        h.insert(
            "x-amzn-errortype",
            "ThrottlingException:http://x".parse().unwrap(),
        );
        assert_eq!(error_from("Op", 400, &h, "").kind, ErrorKind::Throttled);
        assert_eq!(
            error_from("Op", 401, &reqwest::header::HeaderMap::new(), "<html>").kind,
            ErrorKind::SignInExpired
        );
    }
}
