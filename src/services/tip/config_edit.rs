//! Writing the `[tip]` section into a `config.toml` the user may have written by hand: the file
//! is edited in place with `toml_edit`, so comments, formatting, key order and every other
//! section survive; only the `[tip]` keys centry owns change.

use toml_edit::{DocumentMut, Item, Table, TableLike};

/// `text` with its `[tip]` section set to `tip` (a table of plain values). Keys are updated in
/// place (keeping their comments), new ones appended, ones `tip` lacks removed. An error (the
/// text is not valid TOML, or `tip` is not a table there) leaves the caller's file alone.
pub(super) fn set_tip_section(text: &str, tip: &toml::Table) -> Result<String, String> {
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        format!("not valid TOML, so it was not changed: {}", e.message())
    })?;
    if !doc.contains_key("tip") {
        doc.insert("tip", Item::Table(Table::new()));
    }
    let section: &mut dyn TableLike = doc
        .get_mut("tip")
        .and_then(Item::as_table_like_mut)
        .ok_or("`tip` is not a table, so the file was not changed")?;
    let stale: Vec<String> = section
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| !tip.contains_key(k))
        .collect();
    for k in stale {
        section.remove(&k);
    }
    for (key, value) in tip {
        let mut new = to_edit_value(value)?;
        match section.get_mut(key).and_then(Item::as_value_mut) {
            Some(old) if old.to_string().trim() == new.to_string().trim() => {}
            Some(old) => {
                // Keep the comment after the value and the spacing around it.
                *new.decor_mut() = old.decor().clone();
                *old = new;
            }
            None => {
                section.insert(key, Item::Value(new));
            }
        }
    }
    Ok(doc.to_string())
}

/// A `toml` value as a `toml_edit` one (by its TOML text, which both crates share).
fn to_edit_value(value: &toml::Value) -> Result<toml_edit::Value, String> {
    let text = toml::Value::to_string(value);
    text.parse::<toml_edit::Value>()
        .map_err(|e| format!("cannot write {text}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tip(pairs: &[(&str, &str)]) -> toml::Table {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), toml::Value::String(v.to_string())))
            .collect()
    }

    #[test]
    fn comments_order_and_other_sections_survive() {
        let text = "# centry settings\n\n[profiles]\ntemplate = \"{account_id}-{role_name}\"  # mine\n\n\
                    [tip]\n# the IdP\nissuer   = \"https://old\"   # okta\nclient_id = \"c\"\nregion = \"x\"\n\n\
                    [events]\nmax_events = 500\n";
        let out = set_tip_section(
            text,
            &tip(&[
                ("issuer", "https://new"),
                ("client_id", "c"),
                ("bridge_role", "b"),
            ]),
        )
        .unwrap();
        assert_eq!(
            out,
            text.replace("\"https://old\"", "\"https://new\"")
                .replace("region = \"x\"\n", "bridge_role = \"b\"\n")
        );
    }

    #[test]
    fn a_missing_section_is_added_and_bad_toml_is_refused() {
        let out = set_tip_section("# hi\n[ui]\nx = 1\n", &tip(&[("issuer", "i")])).unwrap();
        assert_eq!(out, "# hi\n[ui]\nx = 1\n\n[tip]\nissuer = \"i\"\n");
        assert!(set_tip_section("not [toml", &tip(&[])).is_err());
        assert!(set_tip_section("tip = 3\n", &tip(&[])).is_err());
    }
}
