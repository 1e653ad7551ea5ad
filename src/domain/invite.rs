//! Invitation codes: short enough to read over the phone, stored only as a hash.

use rand::Rng;
use sha2::{Digest, Sha256};

/// No 0/O, 1/I/L: codes are read aloud and typed on phones.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A new code such as "K7QM-R2XD" (8 symbols, about 40 bits).
pub fn new_code() -> String {
    let mut rng = rand::rng();
    let symbols: String = (0..8)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &symbols[..4], &symbols[4..])
}

/// The hash stored for a code, however it was typed (case, dashes, spaces).
pub fn code_hash(typed: &str) -> Vec<u8> {
    let normalized: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    Sha256::digest(normalized.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_however_it_is_typed() {
        let code = new_code();
        assert_eq!(code.len(), 9);
        assert_eq!(
            code_hash(&code),
            code_hash(&code.to_lowercase().replace('-', " "))
        );
        assert_ne!(code_hash(&code), code_hash("AAAA-AAAA"));
    }
}
