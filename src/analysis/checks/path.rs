//! Path checks: what the Received chain says about the route, the clocks and the servers.

use super::finding::{CheckDef, Ctx, Finding};
use crate::analysis::types::{AnomalyKind, Family, Grade, Location, PathAnomaly};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "no-delivery-path",
        family: Family::Path,
        grade: Grade::Hint,
        run: no_path,
    },
    CheckDef {
        id: "private-origin",
        family: Family::Path,
        grade: Grade::Hint,
        run: private_origin,
    },
    CheckDef {
        id: "time-backwards",
        family: Family::Path,
        grade: Grade::Hint,
        run: time_backwards,
    },
    CheckDef {
        id: "implausible-delay",
        family: Family::Path,
        grade: Grade::Hint,
        run: long_delay,
    },
    CheckDef {
        id: "too-many-hops",
        family: Family::Path,
        grade: Grade::Hint,
        run: too_many_hops,
    },
    CheckDef {
        id: "tls-dropped",
        family: Family::Path,
        grade: Grade::Hint,
        run: tls_dropped,
    },
    CheckDef {
        id: "helo-bare-ip",
        family: Family::Path,
        grade: Grade::Hint,
        run: helo_ip,
    },
    CheckDef {
        id: "helo-mismatch",
        family: Family::Path,
        grade: Grade::Hint,
        run: helo_mismatch,
    },
    CheckDef {
        id: "date-far-from-delivery",
        family: Family::Path,
        grade: Grade::Hint,
        run: date_drift,
    },
    CheckDef {
        id: "future-date",
        family: Family::Path,
        grade: Grade::Hint,
        run: future_date,
    },
    CheckDef {
        id: "malformed-received",
        family: Family::Path,
        grade: Grade::Hint,
        run: malformed,
    },
];

fn anomalies<'a>(c: &'a Ctx, kind: AnomalyKind) -> Vec<&'a PathAnomaly> {
    c.r.path
        .anomalies
        .iter()
        .filter(|a| a.kind == kind)
        .collect()
}

/// A warning made of every anomaly of one kind, each pinned to its hop.
fn from_anomalies(c: &Ctx, kind: AnomalyKind, weight: i32, summary: &str, fine: &str) -> Finding {
    if c.r.path.hops.is_empty() {
        return Finding::skip("The message records no delivery path");
    }
    let found = anomalies(c, kind);
    if found.is_empty() {
        return Finding::pass(fine);
    }
    let first = found.first().map(|a| a.detail.clone()).unwrap_or_default();
    let mut f = Finding::warn(weight, format!("{summary}: {first}"));
    for a in found {
        let loc = match a.hop {
            Some(i) => Location::Hop { index: i },
            None => Location::Message,
        };
        let text = match a.hop.and_then(|i| c.r.path.hops.get(i)) {
            Some(h) => format!("Received: {}", h.raw),
            None => a.detail.clone(),
        };
        f = f.with(loc, text);
    }
    f
}

fn no_path(c: &Ctx) -> Finding {
    if c.r.path.hops.is_empty() {
        return Finding::warn(1, "The message has no delivery record (no Received lines): it may be a saved draft, or its headers were removed")
            .with(Location::Message, "no Received header");
    }
    Finding::pass(format!("{} delivery step(s) recorded", c.r.path.hops.len()))
}

fn private_origin(c: &Ctx) -> Finding {
    from_anomalies(
        c,
        AnomalyKind::PrivateOrigin,
        1,
        "The route starts at a private network address",
        "The route starts at a public address",
    )
}

fn time_backwards(c: &Ctx) -> Finding {
    from_anomalies(
        c,
        AnomalyKind::TimeBackwards,
        2,
        "The times on the route go backwards",
        "The times on the route run forwards",
    )
}

fn long_delay(c: &Ctx) -> Finding {
    from_anomalies(
        c,
        AnomalyKind::LongDelay,
        1,
        "The message sat somewhere for a very long time",
        "No step of the route took implausibly long",
    )
}

fn too_many_hops(c: &Ctx) -> Finding {
    from_anomalies(
        c,
        AnomalyKind::TooManyHops,
        1,
        "The message passed through unusually many servers",
        "The route has a normal number of steps",
    )
}

fn tls_dropped(c: &Ctx) -> Finding {
    from_anomalies(
        c,
        AnomalyKind::TlsDropped,
        1,
        "Encryption was dropped along the way",
        "Encryption was not dropped along the way",
    )
}

fn helo_ip(c: &Ctx) -> Finding {
    from_anomalies(
        c,
        AnomalyKind::HeloIsIp,
        2,
        "The sending server did not give a name",
        "The sending server introduced itself with a name",
    )
}

fn helo_mismatch(c: &Ctx) -> Finding {
    from_anomalies(
        c,
        AnomalyKind::HeloMismatch,
        1,
        "The sending server's name does not match its address",
        "The sending server's name matches its address",
    )
}

fn date_drift(c: &Ctx) -> Finding {
    if c.r.identity.date.is_none() {
        return Finding::skip("The message has no readable Date");
    }
    from_anomalies(
        c,
        AnomalyKind::DateFarFromFirstHop,
        2,
        "The date the sender wrote does not match when it was sent",
        "The Date matches the route's times",
    )
}

fn future_date(c: &Ctx) -> Finding {
    let found = anomalies(c, AnomalyKind::FutureDate);
    if found.is_empty() {
        return Finding::pass("Nothing is dated in the future");
    }
    let mut f = Finding::warn(
        2,
        format!(
            "Something is dated in the future: {}",
            found.first().map(|a| a.detail.as_str()).unwrap_or_default()
        ),
    );
    for a in found {
        f = match a.hop {
            Some(i) => f.with(Location::Hop { index: i }, a.detail.clone()),
            None => match c.r.identity.date_raw.clone() {
                Some(d) => f.with(
                    Location::Header {
                        name: "Date".into(),
                        index: date_index(c),
                    },
                    format!("Date: {d}"),
                ),
                None => f.with(Location::Message, a.detail.clone()),
            },
        };
    }
    f
}

fn date_index(c: &Ctx) -> usize {
    c.r.headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("Date"))
        .map(|h| h.index)
        .unwrap_or(0)
}

fn malformed(c: &Ctx) -> Finding {
    from_anomalies(
        c,
        AnomalyKind::MissingBy,
        1,
        "A delivery line does not say which server wrote it",
        "Every delivery line names its server",
    )
}
