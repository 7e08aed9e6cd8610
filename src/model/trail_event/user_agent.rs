//! The short user agent shown in the events stream: `aws-cli/2.15`, `boto3/1.34`,
//! `aws-sdk-rust/1.3`, `Chrome 120`, `Terraform/1.5`. The full string stays in the event and the
//! detail pane; this only has to be recognisable in a narrow column.

/// Longest result, in characters.
const MAX_CHARS: usize = 32;

/// Tools recognised anywhere in the string, checked in order (the first that appears wins), with
/// the name shown for them. SDK strings often append the calling tool after the SDK, so the
/// tools come first.
const TOOLS: [(&str, &str); 8] = [
    ("aws-cli/", "aws-cli"),
    ("Terraform/", "Terraform"),
    ("aws-toolkit-vscode/", "aws-toolkit-vscode"),
    ("AWS-Toolkit-For-JetBrains/", "aws-toolkit-jetbrains"),
    ("Boto3/", "boto3"),
    ("boto3/", "boto3"),
    ("Botocore/", "botocore"),
    ("botocore/", "botocore"),
];

/// Browsers, most specific first (Edge and Opera also say Chrome; Chrome also says Safari).
const BROWSERS: [(&str, &str); 6] = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Version/", "Safari"),
];

/// A short, recognisable form of a user agent.
pub fn short_user_agent(user_agent: &str) -> String {
    let ua = user_agent
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim();
    for (marker, name) in TOOLS {
        if let Some(version) = version_after(ua, marker) {
            return clip(&format!("{name}/{}", major_minor(version)));
        }
    }
    if ua.starts_with("Mozilla/") {
        for (marker, name) in BROWSERS {
            if let Some(version) = version_after(ua, marker) {
                return clip(&format!("{name} {}", major(version)));
            }
        }
    }
    let first = ua.split_whitespace().next().unwrap_or_default();
    match first.split_once('/') {
        Some((product, version)) if is_version(version) => {
            clip(&format!("{product}/{}", major_minor(version)))
        }
        _ if first.len() < ua.len() && first.contains('.') => clip(first),
        _ => clip(ua),
    }
}

/// The version that follows `marker`, up to the next space, `;` or `)`.
fn version_after<'a>(ua: &'a str, marker: &str) -> Option<&'a str> {
    let start = ua.find(marker)? + marker.len();
    let rest = &ua[start..];
    let end = rest.find([' ', ';', ')']).unwrap_or(rest.len());
    let version = &rest[..end];
    is_version(version).then_some(version)
}

fn is_version(v: &str) -> bool {
    v.starts_with(|c: char| c.is_ascii_digit())
}

/// `2.15.30` → `2.15`.
fn major_minor(version: &str) -> &str {
    let mut dots = version.match_indices('.').map(|(i, _)| i);
    match (dots.next(), dots.next()) {
        (Some(_), Some(second)) => &version[..second],
        _ => version,
    }
}

/// `120.0.6099.71` → `120`.
fn major(version: &str) -> &str {
    version.split('.').next().unwrap_or(version)
}

fn clip(text: &str) -> String {
    if text.chars().count() <= MAX_CHARS {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(MAX_CHARS - 1).collect();
        short.push('…');
        short
    }
}

#[cfg(test)]
mod tests {
    use super::short_user_agent as s;

    #[test]
    fn tools_and_sdks() {
        assert_eq!(
            s(
                "aws-cli/2.15.30 Python/3.11.8 Darwin/23.3.0 exe/x86_64 prompt/off command/sso.login"
            ),
            "aws-cli/2.15"
        );
        assert_eq!(
            s("[aws-cli/1.18.69 Python/3.8.2 Linux/5.4.0 botocore/1.17.0]"),
            "aws-cli/1.18"
        );
        assert_eq!(
            s("Boto3/1.17.5 Python/3.9.2 Linux/5 Botocore/1.20.5"),
            "boto3/1.17"
        );
        assert_eq!(s("Botocore/1.34.2 ua/2.0 os/linux"), "botocore/1.34");
        assert_eq!(
            s("aws-sdk-rust/1.3.1 os/linux lang/rust/1.79.0"),
            "aws-sdk-rust/1.3"
        );
        assert_eq!(
            s(
                "aws-sdk-go-v2/1.36.3 ua/2.1 os/linux lang/go#1.26.4 md/GOOS#linux md/GOARCH#arm64 api/sso#1.25.3 m/E,g"
            ),
            "aws-sdk-go-v2/1.36"
        );
        assert_eq!(
            s("aws-sdk-java/2.46.14 md/io#sync md/http#Apache ua/2.1"),
            "aws-sdk-java/2.46"
        );
        assert_eq!(
            s(
                "APN/1.0 HashiCorp/1.0 Terraform/1.5.7 (+https://www.terraform.io) terraform-provider-aws/5.31.0"
            ),
            "Terraform/1.5"
        );
        assert_eq!(s("Go-http-client/2.0"), "Go-http-client/2.0");
    }

    #[test]
    fn browsers() {
        let chrome = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/87.0.4280.66 Safari/537.36";
        assert_eq!(s(chrome), "Chrome 87");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91";
        assert_eq!(s(edge), "Edge 120");
        assert_eq!(
            s("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"),
            "Firefox 121"
        );
        let safari = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15";
        assert_eq!(s(safari), "Safari 17");
    }

    #[test]
    fn service_names_and_odd_strings() {
        assert_eq!(s("AWS Internal"), "AWS Internal");
        assert_eq!(s("sso.amazonaws.com"), "sso.amazonaws.com");
        assert_eq!(s(""), "");
        let long = "x".repeat(100);
        assert_eq!(s(&long).chars().count(), 32);
        assert_eq!(s("aws-cli/"), "aws-cli/");
        // Multi-byte text is cut on character boundaries.
        assert_eq!(s(&"é".repeat(40)).chars().count(), 32);
    }
}
