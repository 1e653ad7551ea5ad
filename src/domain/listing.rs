//! How long a list that grows with the data is where people read it: a phone screen in chat, every
//! row on the command line (and in CSV exports).

/// How much of a ranked list is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    /// Every row: the command line.
    Full,
    /// The first `CHAT_ROWS`; the caller adds up the rest in one line.
    Chat,
    /// None in the text, nor a line for the rest: a page or a document shows every row as a
    /// table beside it.
    Apart,
}

/// Most rows a list shows in chat: with the line for the rest, a screenful that fits one message.
pub const CHAT_ROWS: usize = 10;

/// The rows shown and the rows left over, of a list already ranked.
pub fn split<T>(ranked: &[T], length: Length) -> (&[T], &[T]) {
    match length {
        Length::Full => (ranked, &[]),
        Length::Chat => ranked.split_at(ranked.len().min(CHAT_ROWS)),
        Length::Apart => (&[], &[]),
    }
}
