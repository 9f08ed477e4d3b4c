//! Walking the inputs: files and directories in parallel, each file read once (within
//! [`Limits`]) and handed to [`extract`], every item streamed
//! to a sink as soon as it is ready.

use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::iter::{ParallelBridge, ParallelIterator};

pub use crate::limits::Limits;

use crate::extract::extract;
use crate::{Item, Skip};

/// Walks `paths` (files, and directories recursively), extracting every file in
/// parallel and passing each [`Item`] to `sink` as soon as it is extracted.
///
/// Symbolic links are followed, but a link back into its own ancestors (a loop), a
/// broken link, a file that cannot be read and anything that is not a regular file are
/// reported as [`Item::Skipped`]; nothing stops the walk. Memory is bounded by the files
/// being extracted at once (one per thread), each within [`Limits::max_file_bytes`].
pub fn walk(paths: &[PathBuf], limits: &Limits, sink: &(dyn Fn(Item) + Sync)) {
    paths
        .iter()
        .flat_map(|root| walkdir::WalkDir::new(root).follow_links(true).sort_by_file_name())
        .par_bridge()
        .for_each(|entry| match entry {
            Err(err) => {
                let source = err.path().map_or_else(String::new, display);
                let detail =
                    if err.loop_ancestor().is_some() { format!("symbolic link loop: {err}") } else { err.to_string() };
                sink(Item::Skipped { source, skip: Skip::Io(detail) });
            }
            Ok(entry) => {
                let file_type = entry.file_type();
                if file_type.is_dir() {
                    return;
                }
                let source = display(entry.path());
                if !file_type.is_file() {
                    let skip = Skip::Unsupported("not a regular file".into());
                    sink(Item::Skipped { source, skip });
                    return;
                }
                match read_file(entry.path(), limits) {
                    Ok(bytes) => {
                        let name = entry.file_name().to_string_lossy();
                        extract(&source, &name, &bytes, limits, 0, &mut |item| sink(item));
                    }
                    Err(skip) => sink(Item::Skipped { source, skip }),
                }
            }
        });
}

/// A path as it is shown in a source: as given, lossily decoded from the file system.
fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Reads a whole file, refusing one larger than the limit (checked again while reading,
/// in case it grows).
fn read_file(path: &Path, limits: &Limits) -> Result<Vec<u8>, Skip> {
    let file = std::fs::File::open(path).map_err(|err| Skip::Io(err.to_string()))?;
    let len = file.metadata().map_err(|err| Skip::Io(err.to_string()))?.len();
    if len > limits.max_file_bytes {
        return Err(too_large(len, limits));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|err| Skip::Io(err.to_string()))?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_large(bytes.len() as u64, limits));
    }
    Ok(bytes)
}

fn too_large(len: u64, limits: &Limits) -> Skip {
    Skip::TooLarge(format!("{len} bytes, over the limit of {} bytes", limits.max_file_bytes))
}
