//! Mail: single messages (EML, Maildir files) and mbox mailboxes, via `mail-parser`.
//! Each message gives its headers (From, To, Cc, Bcc, Reply-To, Subject) as their own
//! segments, every text body part (HTML as visible text) and its attachments, which are
//! extracted in turn as `message!attachment-name`.
//!
//! `mail-parser` has panicked on malformed multipart messages (found by fuzzing), so
//! each parse runs under `catch_unwind`: a panic there becomes [`Skip::Unreadable`]
//! instead of ending the walk.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use mail_parser::mailbox::mbox::MessageIterator;
use mail_parser::{Address, Message, MessageParser, MimeHeaders, PartType};

use super::{Cx, markup, push_split};
use crate::{Location, Segment, Skip};

/// Parses one message; `Err` when the parser panicked on it.
fn parse(bytes: &[u8]) -> Result<Option<Message<'_>>, Skip> {
    catch_unwind(AssertUnwindSafe(|| MessageParser::default().parse(bytes)))
        .map_err(|_| Skip::Unreadable("malformed mail message (the parser failed on it)".into()))
}

/// One message file (EML or a Maildir message).
pub(super) fn eml(cx: &mut Cx<'_>, source: &str, bytes: &[u8], depth: u32) {
    match parse(bytes) {
        Ok(Some(message)) => message_items(cx, source, "eml", bytes.len(), &message, depth),
        Ok(None) => cx.skip(source, Skip::Unreadable("not a mail message".into())),
        Err(skip) => cx.skip(source, skip),
    }
}

/// An mbox mailbox: one document per message, as `file!<message-id>` (or `file!n`
/// when a message has no Message-ID). A file with no `From ` separator is read as one
/// message.
pub(super) fn mbox(cx: &mut Cx<'_>, source: &str, bytes: &[u8], depth: u32) {
    let mut count = 0u64;
    for entry in MessageIterator::new(Cursor::new(bytes)) {
        count += 1;
        let Ok(entry) = entry else {
            cx.skip(&format!("{source}!{count}"), Skip::Unreadable("mailbox read error".into()));
            break;
        };
        let contents = entry.contents();
        match parse(contents) {
            Ok(Some(message)) => {
                let key = message.message_id().map_or_else(|| count.to_string(), |id| format!("<{id}>"));
                let message_source = format!("{source}!{key}");
                message_items(cx, &message_source, "mbox", contents.len(), &message, depth + 1);
            }
            Ok(None) => cx.skip(&format!("{source}!{count}"), Skip::Unreadable("not a mail message".into())),
            Err(skip) => cx.skip(&format!("{source}!{count}"), skip),
        }
    }
    if count == 0 {
        // No `From ` separator line: perhaps a single message saved as `.mbox`.
        eml(cx, source, bytes, depth);
    }
}

/// A parsed message's document, then its attachments and attached messages.
fn message_items(cx: &mut Cx<'_>, source: &str, format: &str, bytes: usize, message: &Message<'_>, depth: u32) {
    let max = cx.limits.max_segment_bytes;
    let message_id = message.message_id().map(str::to_owned);
    let location = |part: &str| Location::Message { message_id: message_id.clone(), part: part.to_owned() };
    let mut segments: Vec<Segment> = Vec::new();
    let headers: [(&str, Option<&Address<'_>>); 5] = [
        ("From", message.from()),
        ("To", message.to()),
        ("Cc", message.cc()),
        ("Bcc", message.bcc()),
        ("Reply-To", message.reply_to()),
    ];
    for (name, address) in headers {
        if let Some(address) = address {
            let text = addresses(address);
            push_split(&mut segments, &text, location(&format!("header:{name}")), max);
        }
    }
    if let Some(subject) = message.subject() {
        push_split(&mut segments, subject, location("header:Subject"), max);
    }
    for (n, &id) in message.text_body.iter().enumerate() {
        let Some(part) = message.parts.get(id as usize) else { continue };
        let name = if n == 0 { "body".to_owned() } else { format!("part {}", n + 1) };
        match &part.body {
            PartType::Text(text) => push_split(&mut segments, text, location(&name), max),
            PartType::Html(html) => {
                for block in markup::html_text_blocks(html) {
                    push_split(&mut segments, &block, location(&name), max);
                }
            }
            _ => {}
        }
    }
    let mut attachments = Vec::new();
    for (n, &id) in message.attachments.iter().enumerate() {
        let Some(part) = message.parts.get(id as usize) else { continue };
        let name = part.attachment_name().map_or_else(|| format!("attachment-{}", n + 1), sanitise);
        push_split(&mut segments, &name, location(&format!("attachment: {name}")), max);
        attachments.push((name, part));
    }
    cx.document(source, format, bytes, segments);
    for (name, part) in attachments {
        let inner = format!("{source}!{name}");
        match &part.body {
            PartType::Message(nested) => {
                if depth + 1 > cx.limits.max_depth {
                    let skip = Skip::ArchiveLimit(format!("nested more than {} deep", cx.limits.max_depth));
                    cx.skip(&inner, skip);
                } else {
                    let len = nested.raw_message.len();
                    message_items(cx, &inner, "eml", len, nested, depth + 1);
                }
            }
            _ => {
                let contents = part.contents();
                if !cx.spend(&inner, contents.len() as u64) {
                    return;
                }
                cx.extract(&inner, &name, contents, depth + 1);
            }
        }
    }
}

/// Addresses as `Name <address>, …`.
fn addresses(address: &Address<'_>) -> String {
    address
        .iter()
        .map(|addr| match (addr.name(), addr.address()) {
            (Some(name), Some(email)) => format!("{name} <{email}>"),
            (Some(name), None) => name.to_owned(),
            (None, Some(email)) => email.to_owned(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// An attachment's name without path separators or `!` (which separates the parts of a
/// source).
fn sanitise(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.replace('!', "_")
}
