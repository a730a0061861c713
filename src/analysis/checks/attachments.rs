//! Attachment checks: programs, disguised names, disk images, shortcuts, web pages, macros,
//! archives, contents that do not match their name, and attached emails.

use super::cues;
use super::finding::{CheckDef, Ctx, Finding};
use crate::analysis::knowledge::files::{self, FileType, Kind};
use crate::analysis::types::{Attachment, Family, Grade, Location, Report};

/// The checks of this family, in checklist order.
pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "executable-attachment",
        family: Family::Attachments,
        grade: Grade::Proof,
        run: executable_attachment,
    },
    CheckDef {
        id: "double-extension",
        family: Family::Attachments,
        grade: Grade::Proof,
        run: double_extension,
    },
    CheckDef {
        id: "disk-image-attachment",
        family: Family::Attachments,
        grade: Grade::Strong,
        run: disk_image_attachment,
    },
    CheckDef {
        id: "shortcut-attachment",
        family: Family::Attachments,
        grade: Grade::Proof,
        run: shortcut_attachment,
    },
    CheckDef {
        id: "html-attachment",
        family: Family::Attachments,
        grade: Grade::Strong,
        run: html_attachment,
    },
    CheckDef {
        id: "macro-office-attachment",
        family: Family::Attachments,
        grade: Grade::Strong,
        run: macro_office_attachment,
    },
    CheckDef {
        id: "pdf-active-content",
        family: Family::Attachments,
        grade: Grade::Strong,
        run: pdf_active_content,
    },
    CheckDef {
        id: "archive-attachment",
        family: Family::Attachments,
        grade: Grade::Hint,
        run: archive_attachment,
    },
    CheckDef {
        id: "type-mismatch",
        family: Family::Attachments,
        grade: Grade::Proof,
        run: type_mismatch,
    },
    CheckDef {
        id: "nested-message",
        family: Family::Attachments,
        grade: Grade::Hint,
        run: nested_message,
    },
];

/// Characters that reverse or hide text direction, used to disguise names.
fn has_bidi_control(name: &str) -> bool {
    name.chars().any(|c| {
        matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
    })
}

/// The extension Windows uses: after the last dot, ignoring trailing dots and spaces.
pub fn extension(name: &str) -> Option<String> {
    let trimmed = name.trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    let base = trimmed.rsplit(['/', '\\']).next().unwrap_or(trimmed);
    let (_, ext) = base.rsplit_once('.')?;
    let ext = ext.trim().to_lowercase();
    (!ext.is_empty() && ext.len() <= 24).then_some(ext)
}

/// The extension before the last one ("pdf" in "invoice.pdf.exe").
fn inner_extension(name: &str) -> Option<String> {
    let trimmed = name.trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    let base = trimmed.rsplit(['/', '\\']).next().unwrap_or(trimmed);
    let (stem, _) = base.rsplit_once('.')?;
    let (_, inner) = stem.rsplit_once('.')?;
    let inner = inner.trim().to_lowercase();
    (!inner.is_empty()).then_some(inner)
}

/// What the knowledge table says about an extension, if it knows it.
fn file_type(ext: &Option<String>) -> Option<&'static FileType> {
    ext.as_deref().and_then(files::lookup)
}

/// An extension Windows (or macOS) runs as a program or script when the file is opened.
fn runs_on_open(ext: &Option<String>) -> bool {
    file_type(ext).is_some_and(|t| t.runs_on_open)
}

fn ext_is(ext: &Option<String>, kind: Kind) -> bool {
    file_type(ext).is_some_and(|t| t.kind == kind)
}

/// What people expect to receive: the decoy half of "invoice.pdf.exe".
fn is_decoy(ext: &str) -> bool {
    files::lookup(ext).is_some_and(|t| t.decoy)
}

fn display_name(a: &Attachment) -> String {
    let name = a
        .filename
        .clone()
        .unwrap_or_else(|| format!("(unnamed {})", a.declared_type));
    // Show hidden direction marks so the reader can see the trick.
    let shown: String = name
        .chars()
        .map(|c| {
            if has_bidi_control(&c.to_string()) {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect();
    clip_middle(&shown, 120)
}

/// Shortens a file name in the middle: its ending is what matters.
fn clip_middle(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let head: String = s.chars().take(max / 2).collect();
    let tail: String = s.chars().skip(n - (max - max / 2)).collect();
    format!("{head}…{tail}")
}

fn describe(a: &Attachment) -> String {
    let mut s = format!(
        "{} — declared {}, {} bytes",
        display_name(a),
        a.declared_type,
        a.size
    );
    if let Some(t) = &a.sniffed_type {
        s.push_str(&format!(", contents look like {t}"));
    }
    s.push_str(&format!(", sha256 {}", a.sha256));
    s
}

fn skip_no_attachments(r: &Report) -> Option<Finding> {
    r.attachments
        .is_empty()
        .then(|| Finding::skip("The message has no attachments"))
}

/// Contents that run as a program (binary formats only: text that merely mentions a
/// command is not a program).
fn sniffed_program(a: &Attachment) -> bool {
    let ext = a.filename.as_deref().and_then(extension);
    match a.sniffed_type.as_deref() {
        Some("pe-executable" | "elf" | "mach-o" | "msix" | "chm") => true,
        // A script only runs when its name lets it.
        Some("script") => ext.is_none() || runs_on_open(&ext),
        _ => false,
    }
}

/// Words for a kind of file, for summaries.
fn kind_words(kind: &str) -> &'static str {
    match kind {
        "pe-executable" | "elf" | "mach-o" | "msix" => "a program",
        "script" => "a script (a small program)",
        "chm" => "a compiled help file that can run programs",
        "lnk" | "url-shortcut" | "scf" | "library-ms" => "a shortcut",
        "html" => "a web page",
        "svg" => "an SVG image (which can hold scripts)",
        "iso9660" | "udf" | "vhd" | "vhdx" => "a disk image",
        "jar" => "a Java program",
        "apk" => "an Android app",
        "zip" | "rar" | "7z" | "gzip" | "bzip2" | "xz" | "cab" => "an archive",
        "pdf" => "a PDF",
        "ole2" => "an old-style Office file",
        "ooxml" => "an Office document",
        "office-encrypted" => "a password-protected Office document",
        "png" | "jpeg" | "gif" | "webp" | "bmp" | "tiff" | "ico" => "a picture",
        "email" => "an email",
        "text" => "plain text",
        "xml" => "an XML file",
        "rtf" => "a rich-text document",
        _ => "something else",
    }
}

fn executable_attachment(c: &Ctx) -> Finding {
    if let Some(f) = skip_no_attachments(c.r) {
        return f;
    }
    let bad: Vec<(usize, &Attachment)> =
        c.r.attachments
            .iter()
            .enumerate()
            .filter(|(_, a)| {
                let ext = a.filename.as_deref().and_then(extension);
                runs_on_open(&ext) || sniffed_program(a)
            })
            .collect();
    let Some((_, first)) = bad.first() else {
        return Finding::pass("No attachment is a program");
    };
    let mut f = Finding::fail(
        12,
        format!(
            "The attachment {} is a program: opening it would run it on your computer",
            display_name(first)
        ),
    );
    for (i, a) in bad.iter().take(5) {
        f = f.with(Location::Attachment { index: *i }, describe(a));
    }
    f
}

fn risky_ext(ext: &Option<String>) -> bool {
    runs_on_open(ext)
        || ext_is(ext, Kind::Shortcut)
        || ext_is(ext, Kind::DiskImage)
        || ext_is(ext, Kind::WebPage)
}

/// Why a name is disguised, if it is: weight and words.
fn disguised(name: &str) -> Option<(i32, bool, String)> {
    if has_bidi_control(name) {
        return Some((
            12,
            true,
            "uses hidden characters that flip its name, so the real ending is not what you see"
                .into(),
        ));
    }
    let ext = extension(name);
    let inner = inner_extension(name);
    let padded = name.contains("   ") || name.contains("___");
    if let Some(inner) = inner.as_deref() {
        if is_decoy(inner) && risky_ext(&ext) {
            return Some((
                12,
                true,
                format!(
                    "looks like a .{inner} file but really ends in .{}",
                    ext.as_deref().unwrap_or("")
                ),
            ));
        }
        if is_decoy(inner) && ext_is(&ext, Kind::Archive) && inner != "zip" && inner != "rar" {
            return Some((
                2,
                false,
                format!("is an archive named like a .{inner} file"),
            ));
        }
    }
    if padded && ext.is_some() {
        return Some((
            4,
            false,
            "pads its name with spaces or underscores to push the real ending out of sight".into(),
        ));
    }
    None
}

fn double_extension(c: &Ctx) -> Finding {
    if let Some(f) = skip_no_attachments(c.r) {
        return f;
    }
    let mut worst: Option<(i32, bool, String)> = None;
    let mut f_evidence: Vec<(usize, String)> = Vec::new();
    for (i, a) in c.r.attachments.iter().enumerate() {
        let mut names: Vec<String> = a.filename.iter().cloned().collect();
        names.extend(a.archive_members.iter().map(|m| m.name.clone()));
        for name in names {
            let Some((w, fail, why)) = disguised(&name) else {
                continue;
            };
            let shown = clip_middle(
                &name
                    .chars()
                    .map(|c| {
                        if has_bidi_control(&c.to_string()) {
                            '\u{FFFD}'
                        } else {
                            c
                        }
                    })
                    .collect::<String>(),
                120,
            );
            let sentence = format!("The file {shown} {why}");
            if f_evidence.len() < 5 {
                f_evidence.push((i, format!("{shown} (in attachment {})", display_name(a))));
            }
            if worst.as_ref().is_none_or(|(ww, _, _)| w > *ww) {
                worst = Some((w, fail, sentence));
            }
        }
    }
    let Some((weight, fail, sentence)) = worst else {
        return Finding::pass("No attachment hides its real file type in its name");
    };
    let mut f = if fail {
        Finding::fail(weight, sentence)
    } else {
        Finding::warn(weight, sentence)
    };
    for (i, text) in f_evidence {
        f = f.with(Location::Attachment { index: i }, text);
    }
    f
}

fn image_sniff(a: &Attachment) -> bool {
    matches!(
        a.sniffed_type.as_deref(),
        Some("png" | "jpeg" | "gif" | "webp" | "bmp" | "tiff" | "ico")
    )
}

fn disk_image_attachment(c: &Ctx) -> Finding {
    if let Some(f) = skip_no_attachments(c.r) {
        return f;
    }
    let hit = c.r.attachments.iter().enumerate().find(|(_, a)| {
        let ext = a.filename.as_deref().and_then(extension);
        matches!(
            a.sniffed_type.as_deref(),
            Some("iso9660" | "udf" | "vhd" | "vhdx")
        ) || (ext_is(&ext, Kind::DiskImage) && !image_sniff(a))
    });
    let Some((i, a)) = hit else {
        return Finding::pass("No attachment is a disk image");
    };
    Finding::fail(
        10,
        format!(
            "The attachment {} is a disk image: opening it shows files that skip your computer's safety checks",
            display_name(a)
        ),
    )
    .with(Location::Attachment { index: i }, describe(a))
}

fn shortcut_attachment(c: &Ctx) -> Finding {
    if let Some(f) = skip_no_attachments(c.r) {
        return f;
    }
    let hit = c.r.attachments.iter().enumerate().find(|(_, a)| {
        let ext = a.filename.as_deref().and_then(extension);
        ext_is(&ext, Kind::Shortcut)
            || matches!(
                a.sniffed_type.as_deref(),
                Some("lnk" | "url-shortcut" | "scf" | "library-ms")
            )
    });
    let Some((i, a)) = hit else {
        return Finding::pass("No attachment is a shortcut");
    };
    Finding::fail(
        10,
        format!(
            "The attachment {} is a shortcut: opening it can start a program or reach out to a stranger's server",
            display_name(a)
        ),
    )
    .with(Location::Attachment { index: i }, describe(a))
}

fn is_markup(a: &Attachment) -> bool {
    let ext = a.filename.as_deref().and_then(extension);
    ext_is(&ext, Kind::WebPage)
        || matches!(a.sniffed_type.as_deref(), Some("html" | "svg"))
            && !matches!(ext.as_deref(), Some("txt" | "xml" | "csv" | "log" | "eml"))
}

fn html_attachment(c: &Ctx) -> Finding {
    if let Some(f) = skip_no_attachments(c.r) {
        return f;
    }
    let mut best: Option<(i32, usize)> = None;
    for (i, a) in c.r.attachments.iter().enumerate() {
        if a.is_message || !is_markup(a) {
            continue;
        }
        // Some mail apps send unnamed HTML fragments around inline pictures; only named
        // files, or ones with active content, are attachments a person would open.
        if a.filename.is_none() && !a.html_has_form && !a.html_has_script {
            continue;
        }
        let svg = a.sniffed_type.as_deref() == Some("svg")
            || a.filename.as_deref().and_then(extension).as_deref() == Some("svg");
        let w = match (a.html_has_form, a.html_has_script) {
            (true, true) => 12,
            (true, false) | (false, true) => 10,
            (false, false) if svg => 2,
            (false, false) => 4,
        };
        if best.is_none_or(|(bw, _)| w > bw) {
            best = Some((w, i));
        }
    }
    let Some((weight, i)) = best else {
        return Finding::pass("No attachment is a web page");
    };
    let Some(a) = c.r.attachments.get(i) else {
        return Finding::pass("No attachment is a web page");
    };
    let name = display_name(a);
    let f = match (a.html_has_form, a.html_has_script) {
        (true, _) => Finding::fail(
            weight,
            format!("The attachment {name} is a web page with a form: it opens a fake sign-in page on your own computer"),
        ),
        (false, true) => Finding::fail(
            weight,
            format!("The attachment {name} is a web page that runs code or sends you elsewhere as soon as it opens"),
        ),
        _ => Finding::warn(
            weight,
            format!("The attachment {name} is a web page: these are used to show fake sign-in pages offline"),
        ),
    };
    let detail = format!(
        "{} (form: {}, script or redirect: {})",
        describe(a),
        if a.html_has_form { "yes" } else { "no" },
        if a.html_has_script { "yes" } else { "no" }
    );
    f.with(Location::Attachment { index: i }, detail)
}

fn pdf_active_content(c: &Ctx) -> Finding {
    let pdfs: Vec<(usize, &Attachment, &crate::analysis::pdf::PdfFindings)> =
        c.r.attachments
            .iter()
            .enumerate()
            .filter_map(|(i, a)| a.pdf.as_ref().map(|p| (i, a, p)))
            .collect();
    if pdfs.is_empty() {
        return Finding::skip("No PDF attachment");
    }
    // The most dangerous finding across all PDFs decides.
    let mut worst: Option<(i32, bool, String, usize, &Attachment)> = None;
    for (i, a, p) in pdfs {
        let name = display_name(a);
        let found = if p.launch {
            Some((
                8,
                true,
                format!(
                    "The PDF {name} holds an action that starts a program or opens another file"
                ),
            ))
        } else if p.javascript && p.open_action {
            Some((
                5,
                false,
                format!(
                    "The PDF {name} holds a script (JavaScript) set to run as soon as it is opened"
                ),
            ))
        } else if p.javascript {
            Some((
                3,
                false,
                format!("The PDF {name} holds a script (JavaScript)"),
            ))
        } else if p.embedded_files {
            Some((
                3,
                false,
                format!("The PDF {name} carries other files inside it"),
            ))
        } else {
            None
        };
        if let Some((weight, fail, words)) = found {
            if worst.as_ref().is_none_or(|w| weight > w.0) {
                worst = Some((weight, fail, words, i, a));
            }
        }
    }
    let Some((weight, fail, words, index, a)) = worst else {
        return Finding::pass("No script, launch action or hidden file inside the PDF attachments");
    };
    let f = if fail {
        Finding::fail(weight, words)
    } else {
        Finding::warn(weight, words)
    };
    f.with(Location::Attachment { index }, describe(a))
}

fn macro_office_attachment(c: &Ctx) -> Finding {
    if let Some(f) = skip_no_attachments(c.r) {
        return f;
    }
    let with_macros =
        c.r.attachments
            .iter()
            .enumerate()
            .find(|(_, a)| a.has_macros);
    if let Some((i, a)) = with_macros {
        return Finding::fail(
            10,
            format!(
                "The attachment {} is an Office document with macros (small programs) inside",
                display_name(a)
            ),
        )
        .with(Location::Attachment { index: i }, describe(a));
    }
    let by_name = c.r.attachments.iter().enumerate().find(|(_, a)| {
        ext_is(
            &a.filename.as_deref().and_then(extension),
            Kind::MacroDocument,
        )
    });
    if let Some((i, a)) = by_name {
        return Finding::warn(
            5,
            format!(
                "The attachment {} is the kind of Office document that can carry macros (small programs)",
                display_name(a)
            ),
        )
        .with(Location::Attachment { index: i }, describe(a));
    }
    Finding::pass("No Office document with macros")
}

fn is_archive(a: &Attachment) -> bool {
    let ext = a.filename.as_deref().and_then(extension);
    matches!(
        a.sniffed_type.as_deref(),
        Some("zip" | "rar" | "7z" | "gzip" | "bzip2" | "xz" | "cab")
    ) || (ext_is(&ext, Kind::Archive)
        && !matches!(a.sniffed_type.as_deref(), Some("ooxml" | "odf")))
}

fn risky_member(name: &str) -> bool {
    let ext = extension(name);
    risky_ext(&ext)
        || ext_is(&ext, Kind::MacroDocument)
        || disguised(name).is_some_and(|(w, _, _)| w >= 10)
}

fn archive_attachment(c: &Ctx) -> Finding {
    if let Some(f) = skip_no_attachments(c.r) {
        return f;
    }
    let archives: Vec<(usize, &Attachment)> =
        c.r.attachments
            .iter()
            .enumerate()
            .filter(|(_, a)| is_archive(a))
            .collect();
    let doc = c.doc();
    let password = cues::password_given(doc);
    // A password-protected Office file with its password in the message is the same trick
    // as a locked archive: scanners cannot read it, the reader can.
    let locked_doc =
        c.r.attachments
            .iter()
            .enumerate()
            .find(|(_, a)| a.sniffed_type.as_deref() == Some("office-encrypted"));
    if let (Some((i, a)), Some((s, e)), true) = (locked_doc, password, archives.is_empty()) {
        return Finding::fail(
            8,
            format!(
                "The document {} is locked with a password given in the message, so virus scanners cannot look inside",
                display_name(a)
            ),
        )
        .with(Location::Attachment { index: i }, describe(a))
        .with(Location::Body, cues::sentence_around(doc.body, s, e));
    }
    if archives.is_empty() {
        return Finding::pass("No archive attached");
    }
    let mut best: Option<(i32, bool, String, usize)> = None;
    for (i, a) in &archives {
        let name = display_name(a);
        let risky: Vec<&str> = a
            .archive_members
            .iter()
            .filter(|m| risky_member(&m.name))
            .map(|m| m.name.as_str())
            .collect();
        let listed = !a.archive_members.is_empty();
        // An archive inside an archive hides its contents from a one-level listing.
        let nested: Vec<&str> = a
            .archive_members
            .iter()
            .filter(|m| ext_is(&extension(&m.name), Kind::Archive))
            .map(|m| m.name.as_str())
            .collect();
        let (w, fail, why) = if !risky.is_empty() && (a.archive_encrypted || password.is_some()) {
            (
                12,
                true,
                format!(
                    "The locked archive {name} holds {} — a program hidden from virus scanners",
                    risky.join(", ")
                ),
            )
        } else if a.archive_encrypted && password.is_some() {
            (10, true, format!("The archive {name} is locked with a password given in the message, so virus scanners cannot look inside"))
        } else if !listed && password.is_some() {
            (10, true, format!("The archive {name} comes with a password in the message, a trick to get past virus scanners"))
        } else if !risky.is_empty() {
            // Programs and shortcuts run on a double-click; web pages and macro documents
            // still need the reader to type or enable something.
            let runs = a.archive_members.iter().any(|m| {
                let ext = extension(&m.name);
                runs_on_open(&ext) || ext_is(&ext, Kind::Shortcut) || ext_is(&ext, Kind::DiskImage)
            });
            (
                if runs { 8 } else { 6 },
                false,
                format!(
                    "The archive {name} holds {}, a kind of file that can run code",
                    risky.join(", ")
                ),
            )
        } else if a.archive_encrypted {
            (4, false, format!("The archive {name} is locked with a password, so nobody can check what is inside"))
        } else if !nested.is_empty() {
            (3, false, format!("The archive {name} holds another archive ({}), which hides what is really inside", nested.join(", ")))
        } else if !listed {
            // A ZIP that will not open is odd; other formats are simply not listed.
            let zip = a.sniffed_type.as_deref() == Some("zip");
            (
                if zip { 2 } else { 1 },
                false,
                if zip {
                    format!("The archive {name} could not be looked into")
                } else {
                    format!("The archive {name} is of a kind mailsleuth cannot look into")
                },
            )
        } else {
            (
                0,
                false,
                format!("The archive {name} holds only ordinary files"),
            )
        };
        if best.as_ref().is_none_or(|(bw, _, _, _)| w > *bw) {
            best = Some((w, fail, why, *i));
        }
    }
    let Some((weight, fail, why, i)) = best else {
        return Finding::pass("No archive attached");
    };
    let Some(a) = c.r.attachments.get(i) else {
        return Finding::pass("No archive attached");
    };
    let members: Vec<String> = a
        .archive_members
        .iter()
        .take(10)
        .map(|m| {
            format!(
                "{} ({} bytes{})",
                m.name,
                m.size,
                if m.encrypted { ", locked" } else { "" }
            )
        })
        .collect();
    let detail = if members.is_empty() {
        format!(
            "{}{}",
            describe(a),
            a.archive_error
                .as_deref()
                .map(|e| format!("; {e}"))
                .unwrap_or_default()
        )
    } else {
        format!("{}; contains: {}", describe(a), members.join(", "))
    };
    if weight == 0 {
        return Finding::pass(why);
    }
    let mut f = if fail {
        Finding::fail(weight, why)
    } else {
        Finding::warn(weight, why)
    };
    f = f.with(Location::Attachment { index: i }, detail);
    if let Some((s, e)) = password {
        f = f.with(Location::Body, cues::sentence_around(doc.body, s, e));
    }
    f
}

/// File kinds an extension may hold without anything being odd.
fn expected_kinds(ext: &str) -> Option<&'static [&'static str]> {
    Some(match ext {
        "pdf" => &["pdf"],
        "docx" | "xlsx" | "pptx" | "docm" | "xlsm" | "pptm" | "dotx" | "xltx" | "potx" | "ppsx"
        | "dotm" | "xltm" | "xlam" | "ppsm" => &["ooxml", "zip", "office-encrypted"],
        "doc" | "xls" | "ppt" | "dot" | "xlt" | "pps" => &["ole2", "rtf", "html", "xml", "text"],
        "msg" => &["ole2", "email", "text"],
        "rtf" => &["rtf", "text"],
        "odt" | "ods" | "odp" => &["odf", "zip"],
        "jpg" | "jpeg" | "jpe" | "png" | "gif" | "bmp" | "webp" | "tif" | "tiff" => {
            &["jpeg", "png", "gif", "bmp", "webp", "tiff", "ico"]
        }
        "zip" => &["zip", "ooxml", "odf"],
        "rar" => &["rar"],
        "7z" => &["7z"],
        "gz" | "tgz" => &["gzip"],
        "txt" | "csv" | "log" => &["text", "html", "xml", "email", "script", "svg"],
        "eml" => &["email", "text"],
        "mp3" => &["mp3"],
        "mp4" | "m4a" | "mov" => &["mp4"],
        _ => return None,
    })
}

/// Sniffed kinds that do harm when they arrive under a harmless name.
fn dangerous_kind(kind: &str) -> bool {
    matches!(
        kind,
        "pe-executable"
            | "elf"
            | "mach-o"
            | "msix"
            | "chm"
            | "script"
            | "lnk"
            | "url-shortcut"
            | "scf"
            | "library-ms"
            | "html"
            | "svg"
            | "iso9660"
            | "udf"
            | "vhd"
            | "vhdx"
            | "jar"
            | "apk"
    )
}

/// Kinds a declared MIME type may hold.
fn declared_kinds(declared: &str) -> Option<&'static [&'static str]> {
    Some(match declared {
        "application/pdf" => &["pdf"],
        "image/jpeg" | "image/png" | "image/gif" | "image/bmp" | "image/webp" | "image/tiff" => {
            &["jpeg", "png", "gif", "bmp", "webp", "tiff", "ico"]
        }
        "application/msword" | "application/vnd.ms-excel" | "application/vnd.ms-powerpoint" => {
            &["ole2", "rtf", "html", "xml", "text"]
        }
        "application/zip" | "application/x-zip-compressed" => &["zip", "ooxml", "odf", "jar"],
        _ if declared.starts_with("application/vnd.openxmlformats-officedocument") => {
            &["ooxml", "zip", "office-encrypted"]
        }
        _ => return None,
    })
}

fn type_mismatch(c: &Ctx) -> Finding {
    if let Some(f) = skip_no_attachments(c.r) {
        return f;
    }
    let mut best: Option<(i32, usize, String)> = None;
    for (i, a) in c.r.attachments.iter().enumerate() {
        let Some(kind) = a.sniffed_type.as_deref() else {
            continue;
        };
        let ext = a.filename.as_deref().and_then(extension);
        let by_ext = ext
            .as_deref()
            .and_then(|e| expected_kinds(e).map(|k| (e, k)))
            .filter(|(_, k)| !k.contains(&kind))
            .map(|(e, _)| format!("its name says .{e}"));
        let by_type = declared_kinds(&a.declared_type)
            .filter(|k| !k.contains(&kind))
            .map(|_| format!("it is labelled {}", a.declared_type));
        let Some(claim) = by_ext.or(by_type) else {
            continue;
        };
        let archive = matches!(kind, "zip" | "rar" | "7z" | "gzip" | "bzip2" | "xz" | "cab");
        let weight = if dangerous_kind(kind) {
            12
        } else if archive {
            // An archive named like a document is a disguise, though not yet a payload.
            4
        } else {
            2
        };
        let sentence = format!(
            "The attachment {} is {} but {claim}",
            display_name(a),
            kind_words(kind)
        );
        if best.as_ref().is_none_or(|(bw, _, _)| weight > *bw) {
            best = Some((weight, i, sentence));
        }
    }
    let Some((weight, i, sentence)) = best else {
        return Finding::pass("Every attachment's contents match its name and type");
    };
    let detail = c.r.attachments.get(i).map(describe).unwrap_or_default();
    let f = if weight >= 10 {
        Finding::fail(weight, sentence)
    } else {
        Finding::warn(weight, sentence)
    };
    f.with(Location::Attachment { index: i }, detail)
}

fn nested_message(c: &Ctx) -> Finding {
    if let Some(f) = skip_no_attachments(c.r) {
        return f;
    }
    // Delivery reports (bounces) carry the original message by design.
    if c.r.report_type.is_some() {
        return Finding::pass(
            "This is a delivery report: it carries the original message, which is normal",
        );
    }
    let nested: Vec<(usize, &Attachment)> =
        c.r.attachments
            .iter()
            .enumerate()
            .filter(|(_, a)| a.is_message)
            .collect();
    let Some((i, a)) = nested.first() else {
        return Finding::pass("No email is attached inside this one");
    };
    let inner =
        c.r.attachments
            .iter()
            .filter(|x| x.parent == Some(*i))
            .count();
    let extra = if inner > 0 {
        format!(", which itself carries {inner} attachment(s)")
    } else {
        String::new()
    };
    let mut f = Finding::warn(
        2,
        format!(
            "The message carries another email as an attachment{extra}: its sender and contents are not checked like the outer message"
        ),
    );
    for (idx, att) in nested.iter().take(3) {
        f = f.with(Location::Attachment { index: *idx }, describe(att));
    }
    let _ = a;
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{ArchiveMember, CheckResult, Options, Outcome};

    fn report_with(atts: Vec<Attachment>, body: &str) -> Report {
        let mut r = Report {
            attachments: atts,
            ..Report::default()
        };
        r.content.text = body.to_string();
        r
    }

    fn run(r: &Report, id: &str) -> CheckResult {
        super::super::run(r, &Options::default())
            .into_iter()
            .find(|c| c.id == id)
            .expect("check present")
    }

    fn att(name: &str, declared: &str, sniffed: Option<&str>) -> Attachment {
        Attachment {
            filename: Some(name.to_string()),
            declared_type: declared.to_string(),
            sniffed_type: sniffed.map(str::to_string),
            size: 100,
            sha256: "00".repeat(32),
            ..Attachment::default()
        }
    }

    #[test]
    fn every_attachment_check_has_a_lesson() {
        assert!(crate::lessons::parse_errors()
            .iter()
            .all(|e| !e.contains("attachments.toml")));
        for def in CHECKS {
            let lesson = crate::lessons::lesson(def.id);
            assert!(lesson.is_some(), "no lesson for {}", def.id);
            assert!(lesson.is_some_and(|l| !l.title.ends_with('.')));
        }
    }

    #[test]
    fn extension_is_what_windows_sees() {
        assert_eq!(extension("Invoice.PDF.exe").as_deref(), Some("exe"));
        assert_eq!(extension("report.exe. . ").as_deref(), Some("exe"));
        assert_eq!(extension("noext"), None);
        assert_eq!(inner_extension("a.pdf.exe").as_deref(), Some("pdf"));
    }

    #[test]
    fn executable_fires_on_name_or_bytes() {
        let r = report_with(
            vec![att(
                "setup.exe",
                "application/octet-stream",
                Some("pe-executable"),
            )],
            "",
        );
        let c = run(&r, "executable-attachment");
        assert_eq!(c.outcome, Outcome::Fail);
        assert!(c.weight >= 10);
        assert!(matches!(
            c.evidence[0].location,
            Location::Attachment { index: 0 }
        ));
        let r = report_with(
            vec![att(
                "email-setup.mobileconfig",
                "application/octet-stream",
                None,
            )],
            "",
        );
        assert_eq!(run(&r, "executable-attachment").outcome, Outcome::Fail);
        let r = report_with(vec![att("notes.txt", "text/plain", Some("script"))], "");
        assert_eq!(run(&r, "executable-attachment").outcome, Outcome::Pass);
        let r = report_with(vec![], "");
        assert_eq!(run(&r, "executable-attachment").outcome, Outcome::Skip);
    }

    #[test]
    fn double_extension_and_rtl_override() {
        let r = report_with(vec![att("invoice.pdf.exe", "application/pdf", None)], "");
        assert_eq!(run(&r, "double-extension").outcome, Outcome::Fail);
        let r = report_with(vec![att("photo_\u{202E}gpj.scr", "image/jpeg", None)], "");
        let c = run(&r, "double-extension");
        assert_eq!(c.outcome, Outcome::Fail);
        assert!(c.summary.contains('\u{FFFD}'));
        let r = report_with(
            vec![att("report.v1.2.pdf", "application/pdf", Some("pdf"))],
            "",
        );
        assert_eq!(run(&r, "double-extension").outcome, Outcome::Pass);
    }

    #[test]
    fn disk_image_and_shortcut() {
        let r = report_with(
            vec![att("docs.iso", "application/octet-stream", Some("iso9660"))],
            "",
        );
        assert_eq!(run(&r, "disk-image-attachment").outcome, Outcome::Fail);
        let r = report_with(vec![att("photo.img", "image/jpeg", Some("jpeg"))], "");
        assert_eq!(run(&r, "disk-image-attachment").outcome, Outcome::Pass);
        let r = report_with(
            vec![att("Invoice.lnk", "application/octet-stream", Some("lnk"))],
            "",
        );
        assert_eq!(run(&r, "shortcut-attachment").outcome, Outcome::Fail);
        let r = report_with(vec![att("a.pdf", "application/pdf", Some("pdf"))], "");
        assert_eq!(run(&r, "shortcut-attachment").outcome, Outcome::Pass);
    }

    #[test]
    fn html_attachment_fails_with_a_form() {
        let mut a = att("scan.html", "text/html", Some("html"));
        a.html_has_form = true;
        let c = run(&report_with(vec![a], ""), "html-attachment");
        assert_eq!(c.outcome, Outcome::Fail);
        assert!(c.weight >= 10);
        let c = run(
            &report_with(vec![att("receipt.html", "text/html", Some("html"))], ""),
            "html-attachment",
        );
        assert_eq!(c.outcome, Outcome::Warn);
        let mut unnamed = att("x", "text/html", Some("html"));
        unnamed.filename = None;
        let c = run(&report_with(vec![unnamed], ""), "html-attachment");
        assert_eq!(c.outcome, Outcome::Pass);
    }

    #[test]
    fn macro_office() {
        let mut a = att(
            "report.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Some("ooxml"),
        );
        a.has_macros = true;
        assert_eq!(
            run(&report_with(vec![a], ""), "macro-office-attachment").outcome,
            Outcome::Fail
        );
        let c = run(
            &report_with(
                vec![att("sheet.xlsm", "application/octet-stream", Some("ooxml"))],
                "",
            ),
            "macro-office-attachment",
        );
        assert_eq!(c.outcome, Outcome::Warn);
        let c = run(
            &report_with(
                vec![att("sheet.xlsx", "application/octet-stream", Some("ooxml"))],
                "",
            ),
            "macro-office-attachment",
        );
        assert_eq!(c.outcome, Outcome::Pass);
    }

    fn zip(members: &[(&str, bool)]) -> Attachment {
        let mut a = att("files.zip", "application/zip", Some("zip"));
        a.archive_members = members
            .iter()
            .map(|(n, e)| ArchiveMember {
                name: n.to_string(),
                size: 10,
                encrypted: *e,
            })
            .collect();
        a.archive_encrypted = members.iter().any(|(_, e)| *e);
        a
    }

    #[test]
    fn archive_levels() {
        let c = run(
            &report_with(vec![zip(&[("a.pdf", false)])], ""),
            "archive-attachment",
        );
        assert_eq!(c.outcome, Outcome::Pass, "{c:?}");
        let c = run(
            &report_with(vec![zip(&[("run.exe", false)])], ""),
            "archive-attachment",
        );
        assert_eq!(c.outcome, Outcome::Warn);
        let c = run(
            &report_with(vec![zip(&[("run.exe", true)])], ""),
            "archive-attachment",
        );
        assert_eq!(c.outcome, Outcome::Fail);
        let c = run(
            &report_with(
                vec![zip(&[("doc.pdf", true)])],
                "Your documents.\nPassword: 7731",
            ),
            "archive-attachment",
        );
        assert_eq!(c.outcome, Outcome::Fail);
        assert!(c.evidence.iter().any(|e| e.location == Location::Body));
    }

    #[test]
    fn an_archive_inside_an_archive_is_noted() {
        let c = run(
            &report_with(vec![zip(&[("inner.zip", false)])], ""),
            "archive-attachment",
        );
        assert_eq!(c.outcome, Outcome::Warn);
        assert_eq!(c.weight, 3);
    }

    #[test]
    fn long_names_keep_their_ending() {
        let long = format!("{}.pdf          .exe", "a".repeat(200));
        let shown = display_name(&att(&long, "application/octet-stream", None));
        assert!(shown.ends_with(".exe"), "{shown}");
        assert!(shown.chars().count() <= 121);
    }

    #[test]
    fn a_locked_document_with_its_password_in_the_body_fails() {
        let doc = att(
            "salary.docx",
            "application/octet-stream",
            Some("office-encrypted"),
        );
        let c = run(
            &report_with(vec![doc.clone()], "Open the file.\nPassword: 2231"),
            "archive-attachment",
        );
        assert_eq!(c.outcome, Outcome::Fail, "{c:?}");
        let c = run(
            &report_with(vec![doc], "See the attached file."),
            "archive-attachment",
        );
        assert_eq!(c.outcome, Outcome::Pass, "{c:?}");
    }

    #[test]
    fn type_mismatch_program_posing_as_pdf() {
        let c = run(
            &report_with(
                vec![att("invoice.pdf", "application/pdf", Some("pe-executable"))],
                "",
            ),
            "type-mismatch",
        );
        assert_eq!(c.outcome, Outcome::Fail);
        assert!(c.summary.contains("a program"), "{}", c.summary);
        let c = run(
            &report_with(vec![att("photo.png", "image/png", Some("jpeg"))], ""),
            "type-mismatch",
        );
        assert_eq!(c.outcome, Outcome::Pass);
    }

    fn m2() -> Attachment {
        let mut m = att("fw.eml", "message/rfc822", Some("email"));
        m.is_message = true;
        m
    }

    #[test]
    fn nested_message() {
        let mut m = att("fw.eml", "message/rfc822", Some("email"));
        m.is_message = true;
        let c = run(&report_with(vec![m], ""), "nested-message");
        assert_eq!(c.outcome, Outcome::Warn);
        let mut bounce = report_with(vec![m2()], "");
        bounce.headers.push(crate::analysis::RawHeader {
            index: 0,
            name: "Content-Type".into(),
            value: "multipart/report; report-type=delivery-status; boundary=x".into(),
        });
        // The facts stage reads the report structure from the headers, as `analyze` does.
        bounce.report_type = crate::analysis::sender::report_type(&bounce.headers);
        assert_eq!(run(&bounce, "nested-message").outcome, Outcome::Pass);
        let c = run(
            &report_with(vec![att("a.pdf", "application/pdf", Some("pdf"))], ""),
            "nested-message",
        );
        assert_eq!(c.outcome, Outcome::Pass);
    }
}
