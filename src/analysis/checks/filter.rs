//! Filter checks: what the receiving mail filter already said, decoded into words.

use super::finding::{CheckDef, Ctx, Finding};
use crate::analysis::types::{Family, Grade};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "ms-spam-verdict",
        family: Family::Filter,
        grade: Grade::Strong,
        run: ms_scl,
    },
    CheckDef {
        id: "ms-phish-category",
        family: Family::Filter,
        grade: Grade::Strong,
        run: ms_cat,
    },
    CheckDef {
        id: "ms-bulk-level",
        family: Family::Filter,
        grade: Grade::Hint,
        run: ms_bcl,
    },
    CheckDef {
        id: "spamassassin-verdict",
        family: Family::Filter,
        grade: Grade::Strong,
        run: spamassassin,
    },
];

fn ms_scl(c: &Ctx) -> Finding {
    let f = &c.r.filter;
    let Some(scl) = f.ms_scl else {
        return Finding::skip("No Microsoft filter verdict in this message");
    };
    let finding = match scl {
        -1 => Finding::pass("Microsoft's filter was told to let this through without scanning (SCL -1, an organisation rule)"),
        0..=4 => return Finding::pass(format!("Microsoft's filter did not rate this as spam (SCL {scl})")),
        5 | 6 => Finding::warn(6, format!("Microsoft's filter rated this as spam (SCL {scl})")),
        // SCL 7-9 is Microsoft's "high confidence" band: it has seen this campaign before.
        7 => Finding::fail(7, format!("Microsoft's filter was highly confident this is spam or phishing (SCL {scl})")),
        _ => Finding::fail(8, format!("Microsoft's filter was highly confident this is spam or phishing (SCL {scl})")),
    };
    match f.ms_header_index {
        Some(i) => finding.with_header(c.r, i),
        None => finding,
    }
}

/// Microsoft's CAT: values, in words.
fn category(cat: &str) -> Option<(i32, &'static str)> {
    Some(match cat.to_ascii_uppercase().as_str() {
        "PHSH" => (10, "phishing"),
        "HPHSH" | "HPHISH" => (10, "high-confidence phishing"),
        "MALW" => (10, "malware"),
        "SPOOF" => (8, "a spoofed sender"),
        "GIMP" => (8, "impersonation of a person"),
        "UIMP" => (8, "impersonation of a user"),
        "DIMP" => (8, "impersonation of a domain"),
        "BIMP" => (8, "impersonation of a brand"),
        "AMP" => (6, "anti-malware policy hit"),
        "HSPM" => (5, "high-confidence spam"),
        "SPM" => (3, "spam"),
        "OSPM" => (3, "outbound spam"),
        "BULK" => (0, "bulk mail"),
        _ => return None,
    })
}

fn ms_cat(c: &Ctx) -> Finding {
    let f = &c.r.filter;
    let Some(cat) = f.ms_cat.as_deref() else {
        return Finding::skip("No Microsoft filter category in this message");
    };
    let finding = match category(cat) {
        Some((w, words)) if w >= 8 => Finding::fail(
            w,
            format!("Microsoft's filter classified this as {words} (CAT:{cat})"),
        ),
        Some((w, words)) if w > 0 => Finding::warn(
            w,
            format!("Microsoft's filter classified this as {words} (CAT:{cat})"),
        ),
        Some((_, words)) => {
            return Finding::pass(format!("Microsoft's filter classified this as {words}"))
        }
        None => {
            return Finding::pass(format!(
                "Microsoft's filter found nothing to classify (CAT:{cat})"
            ))
        }
    };
    match f.ms_header_index {
        Some(i) => finding.with_header(c.r, i),
        None => finding,
    }
}

fn ms_bcl(c: &Ctx) -> Finding {
    let Some(bcl) = c.r.filter.ms_bcl else {
        return Finding::skip("No Microsoft bulk rating in this message");
    };
    if bcl >= 7 {
        let i =
            c.r.headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("X-Microsoft-Antispam"))
                .map(|h| h.index);
        let f = Finding::warn(1, format!("Microsoft rates the sender as a bulk mailer that draws many complaints (BCL {bcl})"));
        return match i {
            Some(i) => f.with_header(c.r, i),
            None => f,
        };
    }
    Finding::pass(format!("Microsoft's bulk rating is low (BCL {bcl})"))
}

fn spamassassin(c: &Ctx) -> Finding {
    let f = &c.r.filter;
    let Some(spam) = f.spamassassin_spam else {
        return Finding::skip("No SpamAssassin verdict in this message");
    };
    if !spam {
        return Finding::pass("SpamAssassin did not flag this message");
    }
    let score = f
        .spamassassin_score
        .map(|s| format!(" (score {s})"))
        .unwrap_or_default();
    let finding = Finding::warn(
        4,
        format!("SpamAssassin flagged this message as spam{score}"),
    );
    match f.spamassassin_header_index {
        Some(i) => finding.with_header(c.r, i),
        None => finding,
    }
}
