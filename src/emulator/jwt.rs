//! RS256 JSON Web Tokens for the emulator: the demo signing key (`assets/idp-demo-key.pem`),
//! its JWKS entry, signing, and verification that says what is wrong with a token (bad
//! signature, unknown key, expired, malformed) so STS and CreateTokenWithIAM can refuse it in
//! words. Signing and verification use `jsonwebtoken` on `ring`, the crate's one crypto stack.

use std::sync::OnceLock;

use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Value, json};

/// The emulator's demo RSA key (PKCS#1 PEM). This is an emulator key, published with the
/// source: it signs what the emulated IdP and the emulated Identity Center issue, and nothing
/// outside the emulator may ever trust it.
const DEMO_KEY_PEM: &str = include_str!("../../assets/idp-demo-key.pem");

/// Seconds of clock skew tolerated when checking `exp`.
pub const LEEWAY_S: u64 = 5;

/// An RSA key pair that signs RS256 tokens, with its public half as a JWK.
pub struct SigningKey {
    /// Key id (`kid`): derived from the modulus, so it is stable for a key.
    pub kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    n: String,
    e: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// The DER bytes between the `-----BEGIN …-----` and `-----END …-----` lines of a PEM file
/// (lines outside the block, such as comments, are ignored).
pub fn pem_der(pem: &str) -> Result<Vec<u8>, String> {
    let mut inside = false;
    let mut b64 = String::new();
    for line in pem.lines().map(str::trim) {
        if line.starts_with("-----BEGIN ") {
            inside = true;
        } else if line.starts_with("-----END ") {
            return base64::engine::general_purpose::STANDARD
                .decode(b64.as_bytes())
                .map_err(|e| format!("the PEM block is not base64: {e}"));
        } else if inside {
            b64.push_str(line);
        }
    }
    Err("no complete PEM block found".into())
}

impl SigningKey {
    /// Load a PKCS#1 (`BEGIN RSA PRIVATE KEY`) PEM key.
    pub fn from_pem(pem: &str) -> Result<SigningKey, String> {
        let der = pem_der(pem)?;
        let pair = ring::rsa::KeyPair::from_der(&der)
            .map_err(|e| format!("not a PKCS#1 RSA private key: {e}"))?;
        let parts = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(pair.public());
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let n = b64.encode(&parts.n);
        let e = b64.encode(&parts.e);
        let decoding = DecodingKey::from_rsa_components(&n, &e)
            .map_err(|e| format!("unusable public key: {e}"))?;
        let kid = {
            use sha2::Digest;
            hex::encode(&sha2::Sha256::digest(&parts.n)[..8])
        };
        Ok(SigningKey {
            kid,
            encoding: EncodingKey::from_rsa_der(&der),
            decoding,
            n,
            e,
        })
    }

    /// The public key as a JWK (`kty`, `use`, `alg`, `kid`, `n`, `e`).
    pub fn jwk(&self) -> Value {
        json!({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid, "n": self.n, "e": self.e})
    }

    /// Sign claims as an RS256 JWT carrying this key's `kid`.
    pub fn sign(&self, claims: &Value) -> Result<String, String> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).map_err(|e| e.to_string())
    }
}

/// The emulator's demo key (parsed once).
pub fn demo_key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| {
        // The key is compiled in and checked by a unit test, so this cannot fail at run time.
        SigningKey::from_pem(DEMO_KEY_PEM).expect("assets/idp-demo-key.pem is a valid RSA key")
    })
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwtError {
    /// Not a JWT, or not one this verifier can read.
    Malformed(String),
    /// Signed with a key (`kid`) the issuer does not publish.
    UnknownKey(String),
    /// The signature does not match the content (tampered, or another key).
    BadSignature,
    /// `exp` has passed (the value is `exp`).
    Expired(i64),
}

impl std::fmt::Display for JwtError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JwtError::Malformed(why) => write!(f, "the token is not a valid JWT ({why})"),
            JwtError::UnknownKey(kid) => write!(
                f,
                "the token is signed with key `{kid}`, which the issuer's JWKS does not publish"
            ),
            JwtError::BadSignature => write!(
                f,
                "the token's signature does not verify against the issuer's published key (it was altered or signed with another key)"
            ),
            JwtError::Expired(exp) => write!(
                f,
                "the token expired at {}",
                time::OffsetDateTime::from_unix_timestamp(*exp)
                    .map(crate::emulator::wire::iso_s)
                    .unwrap_or_else(|_| exp.to_string())
            ),
        }
    }
}

/// The header and claims of a token, without checking anything.
pub fn peek(token: &str) -> Result<(Header, Value), JwtError> {
    let header =
        jsonwebtoken::decode_header(token).map_err(|e| JwtError::Malformed(e.to_string()))?;
    let payload = token
        .split('.')
        .nth(1)
        .ok_or_else(|| JwtError::Malformed("no payload".into()))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| JwtError::Malformed("the payload is not base64url".into()))?;
    let claims: Value = serde_json::from_slice(&bytes)
        .map_err(|_| JwtError::Malformed("the payload is not JSON".into()))?;
    if !claims.is_object() {
        return Err(JwtError::Malformed(
            "the payload is not a JSON object".into(),
        ));
    }
    Ok((header, claims))
}

/// Verify an RS256 token against `key`: the `kid`, the signature, then `exp` (required).
/// Issuer and audience are the caller's to check, so each can be refused with its own reason.
pub fn verify(token: &str, key: &SigningKey) -> Result<Value, JwtError> {
    let (header, claims) = peek(token)?;
    if header.alg != Algorithm::RS256 {
        return Err(JwtError::Malformed(format!(
            "alg {:?} is not RS256",
            header.alg
        )));
    }
    if let Some(kid) = &header.kid
        && kid != &key.kid
    {
        return Err(JwtError::UnknownKey(kid.clone()));
    }
    let mut v = Validation::new(Algorithm::RS256);
    v.validate_aud = false;
    v.leeway = LEEWAY_S;
    v.set_required_spec_claims(&["exp"]);
    match jsonwebtoken::decode::<Value>(token, &key.decoding, &v) {
        Ok(data) => Ok(data.claims),
        Err(e) => Err(match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => JwtError::BadSignature,
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                JwtError::Expired(claims.get("exp").and_then(Value::as_i64).unwrap_or(0))
            }
            jsonwebtoken::errors::ErrorKind::MissingRequiredClaim(c) => {
                JwtError::Malformed(format!("no `{c}` claim"))
            }
            _ => JwtError::Malformed(e.to_string()),
        }),
    }
}

/// A string claim.
pub fn claim_str<'a>(claims: &'a Value, name: &str) -> Option<&'a str> {
    claims.get(name).and_then(Value::as_str)
}

/// The `aud` claim as a list (it may be a string or an array).
pub fn audiences(claims: &Value) -> Vec<String> {
    match claims.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp_in: i64) -> Value {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        json!({"iss": "http://127.0.0.1/idp", "sub": "s", "aud": "a", "iat": now, "exp": now + exp_in})
    }

    #[test]
    fn the_demo_key_signs_and_verifies() {
        let k = demo_key();
        let t = k.sign(&claims(300)).unwrap();
        let c = verify(&t, k).unwrap();
        assert_eq!(claim_str(&c, "sub"), Some("s"));
        assert_eq!(k.jwk()["kid"], json!(k.kid));
        assert_eq!(audiences(&c), vec!["a".to_string()]);
    }

    #[test]
    fn tampering_expiry_and_foreign_kids_are_refused() {
        let k = demo_key();
        let t = k.sign(&claims(300)).unwrap();
        let parts: Vec<&str> = t.split('.').collect();
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut forged = claims(300);
        forged["sub"] = json!("someone-else");
        let tampered = format!(
            "{}.{}.{}",
            parts[0],
            b64.encode(forged.to_string()),
            parts[2]
        );
        assert_eq!(verify(&tampered, k), Err(JwtError::BadSignature));
        let old = k.sign(&claims(-120)).unwrap();
        assert!(matches!(verify(&old, k), Err(JwtError::Expired(_))));
        assert!(matches!(
            verify("not.a.jwt", k),
            Err(JwtError::Malformed(_))
        ));
        let mut h = Header::new(Algorithm::RS256);
        h.kid = Some("other".into());
        let other = jsonwebtoken::encode(&h, &claims(300), &k.encoding).unwrap();
        assert_eq!(verify(&other, k), Err(JwtError::UnknownKey("other".into())));
    }

    #[test]
    fn pem_blocks_are_read_past_comments() {
        assert_eq!(
            pem_der("# hi\n-----BEGIN X-----\nAAEC\n-----END X-----\n"),
            Ok(vec![0, 1, 2])
        );
        assert_eq!(
            pem_der("nothing"),
            Err("no complete PEM block found".into())
        );
        assert!(
            pem_der("-----BEGIN X-----\n!!\n-----END X-----\n")
                .unwrap_err()
                .contains("not base64")
        );
    }
}
