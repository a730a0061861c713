//! Filter-evasion tricks: random strings bulk phishers add to subjects and sender names so
//! that no two copies look alike to a spam filter.

use super::finding::{CheckDef, Ctx, Finding};
use super::util::header_evidence;
use crate::analysis::text::lower_first;
use crate::analysis::types::{Family, Grade, Location};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "random-junk-text",
        family: Family::Content,
        grade: Grade::Hint,
        run: random_junk_text,
    },
    CheckDef {
        id: "too-big-to-check",
        family: Family::Content,
        grade: Grade::Strong,
        run: too_big_to_check,
    },
];

/// A message that reached one of the limits on how much of it is examined (see
/// `limits`): a link after a thousand others, the 201st attachment, a payload nested deeper
/// than anything is opened. Real mail almost never does; mail built to hide from checkers
/// does. What was left out is named, and the verdict is at least caution.
fn too_big_to_check(c: &Ctx) -> Finding {
    let r = c.r;
    let Some(first) = r.limits.first() else {
        return Finding::pass(
            "The whole message was examined: it reaches none of mailsleuth's limits",
        );
    };
    let mut f = Finding::warn(
        3,
        format!(
            "Part of this message was not examined, because it is built bigger than mail needs to be: {}",
            lower_first(&first.text())
        ),
    );
    for hit in &r.limits {
        f = f.with(Location::Message, hit.text());
    }
    f
}

/// A token that reads like machine-made noise: long, with letters of both cases and digits
/// switching back and forth ("maHSkh0WLRUIpDf6t"). Words, names in CamelCase, order numbers
/// and ticket ids ("INC0012345", "PayPal", "A1B2C3") do not qualify.
pub fn is_junk_token(token: &str) -> bool {
    let chars: Vec<char> = token.chars().collect();
    if chars.len() < 10 || !chars.iter().all(char::is_ascii_alphanumeric) {
        return false;
    }
    let upper = chars.iter().filter(|c| c.is_ascii_uppercase()).count();
    let lower = chars.iter().filter(|c| c.is_ascii_lowercase()).count();
    let digits = chars.iter().filter(|c| c.is_ascii_digit()).count();
    if upper < 2 || lower < 2 || (digits == 0 && upper < 4) {
        return false;
    }
    let class = |c: &char| {
        if c.is_ascii_uppercase() {
            0
        } else if c.is_ascii_lowercase() {
            1
        } else {
            2
        }
    };
    let switches = chars.windows(2).filter(|w| match w {
        [a, b] => class(a) != class(b),
        _ => false,
    });
    switches.count() >= 6
}

/// A run of at least nine digits inside a sender's name ("Cod. 37165178664887").
fn long_digit_run(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() >= 9)
        .map(str::to_string)
}

/// Six or more single letters in a row separated by single spaces ("E n t r e g a").
fn spaced_letters(text: &str) -> Option<String> {
    let mut run: Vec<&str> = Vec::new();
    let mut best: Vec<&str> = Vec::new();
    for w in text.split(' ') {
        if w.chars().count() == 1 && w.chars().all(char::is_alphabetic) {
            run.push(w);
        } else {
            if run.len() > best.len() {
                best = std::mem::take(&mut run);
            }
            run.clear();
        }
    }
    if run.len() > best.len() {
        best = run;
    }
    (best.len() >= 6).then(|| best.join(" "))
}

fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
}

fn random_junk_text(c: &Ctx) -> Finding {
    let r = c.r;
    let subject = r.subject.as_deref().unwrap_or_default();
    let name = r
        .identity
        .from
        .as_ref()
        .and_then(|f| f.display_name.as_deref())
        .unwrap_or_default();
    if let Some(junk) = tokens(subject).find(|t| is_junk_token(t)) {
        let f = Finding::warn(3, format!("The subject carries a string of random letters and digits ({junk}), a trick mass mailers use so that no two copies look alike to spam filters"));
        return header_evidence(f, r, "Subject");
    }
    if let Some(junk) = tokens(name).find(|t| is_junk_token(t)) {
        let f = Finding::warn(3, format!("The sender's name carries a string of random letters and digits ({junk}), a trick mass mailers use to slip past spam filters"));
        return header_evidence(f, r, "From");
    }
    if let Some(spaced) = [name, subject].into_iter().find_map(spaced_letters) {
        let f = Finding::warn(3, format!("Words are written with spaces between the letters (\"{spaced}\") so that filters cannot read them"));
        return header_evidence(
            f,
            r,
            if name.contains(&spaced) {
                "From"
            } else {
                "Subject"
            },
        );
    }
    if let Some(run) = long_digit_run(name) {
        let f = Finding::warn(2, format!("The sender's name carries a long made-up number ({run}) to look official and to make every copy different"));
        return header_evidence(f, r, "From");
    }
    for (index, a) in r.attachments.iter().enumerate() {
        let Some(file) = a.filename.as_deref() else {
            continue;
        };
        let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
        if let Some(junk) = tokens(stem).find(|t| is_junk_token(t)) {
            let f = Finding::warn(2, format!("The attachment's name carries a string of random letters and digits ({junk}), so that no two copies look alike to spam filters"));
            return f.with(Location::Attachment { index }, file.to_string());
        }
    }
    Finding::pass("No random filler in the subject, the sender's name or attachment names")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_strings_are_junk() {
        assert!(is_junk_token("maHSkh0WLRUIpDf6t"));
        assert!(is_junk_token("HDvRHTDRqwS7abE"));
        assert!(is_junk_token("fg46qFdZiRVH3jI"));
    }

    #[test]
    fn words_names_and_ids_are_not_junk() {
        for t in [
            "PayPal",
            "INC0012345",
            "A1B2C3D4E5F6",
            "Notification",
            "McDonaldsCorp",
            "iPhone15Pro",
            "GitHubActions",
            "2024Q3Report",
        ] {
            assert!(!is_junk_token(t), "{t}");
        }
    }

    #[test]
    fn spaced_out_words() {
        assert_eq!(
            spaced_letters("E n t r e g a fallida").as_deref(),
            Some("E n t r e g a")
        );
        assert_eq!(spaced_letters("A B testing for Q 3"), None);
    }

    #[test]
    fn long_numbers_in_names() {
        assert_eq!(
            long_digit_run("[BB] - Comunicado - Cod.  37165178664887").as_deref(),
            Some("37165178664887")
        );
        assert_eq!(long_digit_run("Support 24/7"), None);
    }
}
