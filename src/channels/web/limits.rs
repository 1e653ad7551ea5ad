//! How fast one visitor, and one network address, may call the web chat's API: past that, HTTP 429
//! with a polite word and when to come back. The numbers are for people, not for scripts.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

/// Events from one visitor: a person types or taps every second or two at the quickest (through a
/// survey, say), and the page reports what it showed after each answer; three a second, in
/// bursts of 30, lets anyone chat and stops a script.
const PER_VISITOR: Quota = Quota::per_second(nonzero(3)).allow_burst(nonzero(30));
/// Requests from one network address: Vietnamese mobile networks put many phones behind one
/// address (carrier-grade NAT), and a commune office shares one; 20 a second, in bursts of 100,
/// is a room full of people chatting at once.
const PER_ADDRESS: Quota = Quota::per_second(nonzero(20)).allow_burst(nonzero(100));
/// New visitors from one address: a browser makes one and keeps it; ten a minute, in bursts of
/// 20 (a meeting trying the chat together), keeps a script from filling the table.
const NEW_PER_ADDRESS: Quota = Quota::per_minute(nonzero(10)).allow_burst(nonzero(20));
/// Keys remembered before the limiters forget those that are back to a full allowance.
const FORGET_ABOVE: usize = 10_000;

const fn nonzero(n: u32) -> NonZeroU32 {
    match NonZeroU32::new(n) {
        Some(n) => n,
        None => panic!("a quota of zero"),
    }
}

pub struct Limits {
    visitors: DefaultKeyedRateLimiter<String>,
    addresses: DefaultKeyedRateLimiter<IpAddr>,
    new_visitors: DefaultKeyedRateLimiter<IpAddr>,
}

/// Too many: come back after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooMany(pub Duration);

impl Limits {
    pub fn new() -> Limits {
        Limits {
            visitors: DefaultKeyedRateLimiter::keyed(PER_VISITOR),
            addresses: DefaultKeyedRateLimiter::keyed(PER_ADDRESS),
            new_visitors: DefaultKeyedRateLimiter::keyed(NEW_PER_ADDRESS),
        }
    }

    /// One more request from this network address.
    pub fn address(&self, from: IpAddr) -> Result<(), TooMany> {
        check(&self.addresses, &from)
    }

    /// One more event from this visitor.
    pub fn visitor(&self, address: &str) -> Result<(), TooMany> {
        check(&self.visitors, &address.to_owned())
    }

    /// One more new visitor from this network address.
    pub fn new_visitor(&self, from: IpAddr) -> Result<(), TooMany> {
        check(&self.new_visitors, &from)
    }
}

fn check<K: std::hash::Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
) -> Result<(), TooMany> {
    if limiter.len() > FORGET_ABOVE {
        limiter.retain_recent();
    }
    limiter
        .check_key(key)
        .map_err(|not_until| TooMany(not_until.wait_time_from(DefaultClock::default().now())))
}

/// The network address a request comes from: the peer's, or, when the peer is a proxy on this
/// machine (HTTPS in front of serve), the address that proxy last added to `X-Forwarded-For`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Client, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(client(peer, &parts.headers))
    }
}

fn client(peer: Option<&ConnectInfo<SocketAddr>>, headers: &HeaderMap) -> Client {
    let peer = peer.map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    if !peer.is_loopback() {
        return Client(peer);
    }
    // Only the entry the proxy added: those before it are whatever the client sent.
    let added = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .and_then(|a| a.trim().parse::<IpAddr>().ok());
    Client(added.unwrap_or(peer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visitor_past_the_burst_waits_and_others_do_not() {
        let limits = Limits::new();
        for _ in 0..PER_VISITOR.burst_size().get() {
            limits.visitor("a").unwrap();
        }
        let TooMany(wait) = limits.visitor("a").unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(1));
        assert_eq!(limits.visitor("b"), Ok(()));
    }

    #[test]
    fn only_a_local_proxy_says_where_a_request_comes_from() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().unwrap(),
        );
        let local = ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 5000)));
        let remote = ConnectInfo(SocketAddr::from(([192, 0, 2, 1], 5000)));
        assert_eq!(
            client(Some(&local), &headers).0,
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            client(Some(&remote), &headers).0,
            "192.0.2.1".parse::<IpAddr>().unwrap()
        );
    }
}
