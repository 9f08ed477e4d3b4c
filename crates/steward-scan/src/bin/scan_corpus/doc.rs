//! A document being written: its text and the labelled spans in it.

/// Subject or third party, as in the scanner's output.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Subject,
    Third,
}

impl Kind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Subject => "subject",
            Kind::Third => "third_party",
        }
    }
}

/// One labelled span in a document's text.
pub(crate) struct Span {
    pub(crate) entity: &'static str,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: Kind,
}

/// A document's text with its labelled spans; `prefix` is written after every newline
/// (quoted replies).
#[derive(Default)]
pub(crate) struct Doc {
    pub(crate) text: String,
    pub(crate) spans: Vec<Span>,
    pub(crate) prefix: &'static str,
}

impl Doc {
    pub(crate) fn t(&mut self, s: &str) {
        if self.prefix.is_empty() {
            self.text.push_str(s);
        } else {
            for c in s.chars() {
                self.text.push(c);
                if c == '\n' {
                    self.text.push_str(self.prefix);
                }
            }
        }
    }
    pub(crate) fn e(&mut self, entity: &'static str, kind: Kind, s: &str) {
        let start = self.text.len();
        self.text.push_str(s);
        self.spans.push(Span { entity, start, end: self.text.len(), kind });
    }
}

/// Replaces spaces outside labelled spans with newlines so that no line is much longer
/// than `width` (length-preserving, so offsets stay valid).
pub(crate) fn wrap(doc: &mut Doc, width: usize) {
    let mut bytes = std::mem::take(&mut doc.text).into_bytes();
    let mut line_start = 0;
    let mut last_space = None;
    for i in 0..bytes.len() {
        if bytes[i] == b'\n' {
            line_start = i + 1;
            last_space = None;
            continue;
        }
        if bytes[i] == b' ' && !doc.spans.iter().any(|s| s.start <= i && i < s.end) {
            last_space = Some(i);
        }
        if i - line_start >= width
            && let Some(sp) = last_space
        {
            bytes[sp] = b'\n';
            line_start = sp + 1;
            last_space = None;
        }
    }
    doc.text = String::from_utf8_lossy(&bytes).into_owned();
}
