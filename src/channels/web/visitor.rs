//! Who a visitor is: a random bearer token the server makes, kept by the page and sent with every
//! request. Only its SHA-256 is stored, and the chat's address is a prefix of that digest in hex,
//! so neither a stored row nor an address gives the token back.

use secrecy::SecretString;
use sha2::{Digest, Sha256};

use crate::channels::hex;
use crate::store::Store;
use crate::store::web_chat::WebVisitor;

/// Random bytes in a token: as many as a SHA-256, so guessing one is out of reach.
const TOKEN_BYTES: usize = 32;
/// Bytes of the digest that make the address: 128 bits, unique among any number of visitors.
const ADDRESS_BYTES: usize = 16;

/// A new visitor's token (for the page) and the address of their chat (for a seed that opens
/// the chat for a person).
#[derive(Debug, Clone)]
pub struct Visitor {
    pub token: SecretString,
    pub address: String,
}

/// Makes a visitor and records them.
pub async fn create(store: &Store) -> anyhow::Result<Visitor> {
    loop {
        let token = hex(&rand::random::<[u8; TOKEN_BYTES]>());
        let digest = digest(&token);
        let address = hex(&digest[..ADDRESS_BYTES]);
        // A collision of 128 random bits does not happen; if it did, another token would do.
        if store.add_web_visitor(&digest, &address).await? {
            return Ok(Visitor {
                token: token.into(),
                address,
            });
        }
    }
}

/// The visitor whose token this is, if the server made it. The token is compared only as its
/// digest (in the database's index), never itself, so timing says nothing of it.
pub async fn find(store: &Store, token: &str) -> anyhow::Result<Option<WebVisitor>> {
    // Tokens are hex of a fixed length: anything else is no token of ours, and costs no query.
    if token.len() != 2 * TOKEN_BYTES || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    store.web_visitor(&digest(token)).await
}

fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The address of the chat of the visitor with this token.
pub fn address_for(token: &str) -> String {
    hex(&digest(token)[..ADDRESS_BYTES])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_derived_from_the_token_and_does_not_contain_it() {
        let token = "ab".repeat(TOKEN_BYTES);
        let address = address_for(&token);
        assert_eq!(address, address_for(&token));
        assert_eq!(address.len(), 2 * ADDRESS_BYTES);
        assert!(!token.contains(&address) && !address.contains("abab"));
    }
}
