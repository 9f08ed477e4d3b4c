//! Overlaps between detections: the more confident wins, then the longer.

use crate::Detection;

/// Sorts by start and resolves overlaps: of two overlapping detections the more
/// confident wins, then the longer.
pub(crate) fn resolve(mut v: Vec<Detection>) -> Vec<Detection> {
    v.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<Detection> = Vec::with_capacity(v.len());
    for d in v {
        if let Some(last) = out.last_mut()
            && d.start < last.end
        {
            let better = d.confidence > last.confidence
                || (d.confidence == last.confidence && d.end - d.start > last.end - last.start);
            if better {
                *last = d;
            }
            continue;
        }
        out.push(d);
    }
    out
}
