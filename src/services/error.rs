//! One error type for every service call, and the single place that turns AWS errors into
//! "what failed and what to do next".

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// What kind of failure, as far as the user and the retry logic care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The sign-in (bearer token) is missing, expired or revoked.
    SignInExpired,
    /// AWS credentials are missing, invalid or expired.
    CredentialsInvalid,
    /// The caller may not do this.
    AccessDenied,
    /// Throttled.
    Throttled,
    /// The thing asked for does not exist.
    NotFound,
    /// The request was refused as invalid.
    Invalid,
    /// The connection broke, or an answer took too long.
    Network,
    /// Nothing answered at the endpoint (connection refused, no route, connect timed out):
    /// not throttling, so not retried beyond the SDK's few quick attempts.
    Unreachable,
    /// The service failed (5xx).
    ServiceFault,
    /// Anything else.
    Other,
}

/// A failed service call: which operation, what kind, and the service's own words.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation}: {message}")]
pub struct ServiceError {
    /// The AWS operation (`ListAccounts`).
    pub operation: String,
    /// Classification.
    pub kind: ErrorKind,
    /// The error code when the service gave one.
    pub code: Option<String>,
    /// The message (never contains secrets: SDK errors do not echo credentials).
    pub message: String,
}

impl ServiceError {
    /// A new error.
    pub fn new(operation: &str, kind: ErrorKind, message: impl Into<String>) -> ServiceError {
        ServiceError {
            operation: operation.to_string(),
            kind,
            code: None,
            message: message.into(),
        }
    }

    /// Convert an SDK error.
    pub fn from_sdk<E, R>(operation: &str, err: SdkError<E, R>) -> ServiceError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
    {
        match &err {
            SdkError::ServiceError(se) => {
                let e = se.err();
                let code = e.code().map(str::to_string);
                let message = e
                    .message()
                    .map(str::to_string)
                    .unwrap_or_else(|| code.clone().unwrap_or_else(|| "request failed".into()));
                ServiceError {
                    operation: operation.to_string(),
                    kind: classify(code.as_deref()),
                    code,
                    message,
                }
            }
            SdkError::TimeoutError(_) => {
                ServiceError::new(operation, ErrorKind::Network, "timed out")
            }
            SdkError::DispatchFailure(d) => {
                if d.is_io() || d.is_timeout() {
                    let to = connect_target(d)
                        .map(|t| format!(" to {t}"))
                        .unwrap_or_default();
                    return ServiceError::new(
                        operation,
                        ErrorKind::Unreachable,
                        format!("could not connect{to}"),
                    );
                }
                ServiceError::new(operation, ErrorKind::Network, "request could not be sent")
            }
            SdkError::ResponseError(_) => ServiceError::new(
                operation,
                ErrorKind::Network,
                "the connection broke while reading the answer",
            ),
            SdkError::ConstructionFailure(_) => ServiceError::new(
                operation,
                ErrorKind::Invalid,
                "the request could not be built (check the parameters)",
            ),
            _ => ServiceError::new(operation, ErrorKind::Other, "unexpected failure"),
        }
    }

    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Throttled
                | ErrorKind::Network
                | ErrorKind::Unreachable
                | ErrorKind::ServiceFault
        )
    }

    /// What to do next, in words.
    pub fn hint(&self) -> &'static str {
        match self.kind {
            ErrorKind::SignInExpired => {
                "sign-in expired — press L to sign in again (or run `centry login`)"
            }
            ErrorKind::CredentialsInvalid => {
                "AWS credentials are missing or expired — pick a role with admin access, or set --profile"
            }
            ErrorKind::AccessDenied => {
                "your role is not allowed to do this — pick a role with the needed permissions"
            }
            ErrorKind::Throttled => {
                "AWS is throttling requests — centry slows down and retries; try again shortly"
            }
            ErrorKind::NotFound => "it no longer exists — refresh with r",
            ErrorKind::Invalid => "the request was refused as invalid",
            ErrorKind::Network => "check the network or the endpoint URL, then press r to retry",
            ErrorKind::ServiceFault => "AWS had an internal error — press r to retry",
            ErrorKind::Unreachable => {
                "nothing answers there — check the network, VPN or endpoint URL, then press r to retry"
            }
            ErrorKind::Other => "press r to retry",
        }
    }
}

/// The address a failed connection was for. The HTTP client names it only in its error's
/// debug form (`ConnectError("tcp connect error", 127.0.0.1:1, …)`); `None` when it does not.
fn connect_target(d: &impl std::fmt::Debug) -> Option<String> {
    let text = format!("{d:?}");
    let rest = &text[text.find("ConnectError(")?..];
    let after_reason = &rest[rest.find("\", ")? + 3..];
    let target = &after_reason[..after_reason.find([',', ')'])?];
    let plausible = !target.is_empty()
        && target
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".:[]-_".contains(c));
    plausible.then(|| target.to_string())
}

/// Classify an AWS error code.
pub fn classify(code: Option<&str>) -> ErrorKind {
    match code.unwrap_or_default() {
        "UnauthorizedException" | "InvalidGrantException" | "ExpiredTokenException" => {
            ErrorKind::SignInExpired
        }
        "UnrecognizedClientException"
        | "InvalidClientTokenId"
        | "ExpiredToken"
        | "MissingAuthenticationTokenException"
        | "InvalidSignatureException"
        | "SignatureDoesNotMatch" => ErrorKind::CredentialsInvalid,
        "AccessDeniedException" | "AccessDenied" | "ForbiddenException" => ErrorKind::AccessDenied,
        "ThrottlingException"
        | "TooManyRequestsException"
        | "Throttling"
        | "RequestLimitExceeded"
        | "SlowDown" => ErrorKind::Throttled,
        "ResourceNotFoundException" | "AccountNotFoundException" => ErrorKind::NotFound,
        "ValidationException" | "InvalidRequestException" | "InvalidInputException" => {
            ErrorKind::Invalid
        }
        "InternalServerException"
        | "ServiceException"
        | "InternalFailure"
        | "ServiceUnavailable" => ErrorKind::ServiceFault,
        _ => ErrorKind::Other,
    }
}
