//! Profile names from a template (`{account_name}.{role_name}` …), made safe for a section
//! header.

use std::collections::BTreeMap;

/// Expand a profile-name template: `{account_name}`, `{account_id}`, `{role_name}`, `{session}`.
/// The result is made safe for a section header (spaces and brackets become `-`).
pub fn profile_name(
    template: &str,
    account_name: &str,
    account_id: &str,
    role: &str,
    session: &str,
) -> String {
    let vars: BTreeMap<&str, &str> = [
        ("account_name", account_name),
        ("account_id", account_id),
        ("role_name", role),
        ("session", session),
    ]
    .into_iter()
    .collect();
    let mut out = template.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out.chars()
        .map(|c| {
            if c.is_whitespace() || matches!(c, '[' | ']' | '=' | '#' | ';') {
                '-'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_make_safe_names() {
        assert_eq!(
            profile_name(
                "{account_name}.{role_name}",
                "Payments Prod",
                "1",
                "Admin",
                "s"
            ),
            "Payments-Prod.Admin"
        );
    }
}
