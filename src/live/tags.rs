//! Strict reading of DKIM-style `tag=value` lists (RFC 6376 3.2), for the rules mail-auth
//! is lenient about: duplicate tags, malformed tag names, stray text, missing tags.

/// The tags of a list, or why the list is malformed.
pub fn parse(value: &[u8]) -> Result<Vec<(String, String)>, String> {
    let text = String::from_utf8_lossy(value);
    let mut tags: Vec<(String, String)> = Vec::new();
    let specs: Vec<&str> = text.split(';').collect();
    let last = specs.len().saturating_sub(1);
    for (i, spec) in specs.iter().enumerate() {
        if spec.trim().is_empty() {
            // An empty spec is only allowed after the trailing ";".
            if i == last {
                continue;
            }
            return Err("it has two semicolons in a row".to_string());
        }
        let Some((name, val)) = spec.split_once('=') else {
            return Err(format!(
                "it contains \"{}\", which is not a tag=value pair",
                spec.trim()
            ));
        };
        let name = name.trim();
        let valid_name = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_name {
            return Err(format!("\"{name}\" is not a valid tag name"));
        }
        if tags.iter().any(|(n, _)| n == name) {
            return Err(format!("the tag {name}= appears twice"));
        }
        let val: String = val.chars().filter(|c| !c.is_whitespace()).collect();
        tags.push((name.to_string(), val));
    }
    Ok(tags)
}

/// The value of tag `name` (case-sensitive, as RFC 6376 requires).
pub fn get<'a>(tags: &'a [(String, String)], name: &str) -> Option<&'a str> {
    tags.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Why a list is unacceptable: malformed, or missing one of `required`.
pub fn problem(value: &[u8], required: &[&str]) -> Option<String> {
    let tags = match parse(value) {
        Ok(t) => t,
        Err(why) => return Some(why),
    };
    required
        .iter()
        .find(|r| get(&tags, r).is_none())
        .map(|r| format!("the required tag {r}= is missing"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_well_formed_list_with_trailing_semicolon() {
        let tags = parse(b"v=1; a=rsa-sha256; d=example.com;\r\n s=sel; b=ab\r\n cd;").unwrap();
        assert_eq!(get(&tags, "b"), Some("abcd"));
        assert_eq!(problem(b"v=1; a=x; d=y;", &["v", "a", "d"]), None);
    }

    #[test]
    fn rejects_duplicates_bad_names_stray_text_and_missing_tags() {
        assert!(parse(b"i=1; i=2").unwrap_err().contains("twice"));
        assert!(parse(b"1x=1").unwrap_err().contains("not a valid tag name"));
        assert!(parse(b"a=1; junk; b=2")
            .unwrap_err()
            .contains("not a tag=value"));
        assert!(problem(b"I=1; a=rsa-sha256", &["i"])
            .unwrap()
            .contains("i="));
    }
}
