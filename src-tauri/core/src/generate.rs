//! New credentials: a credential ID and a credential secret.
//!
//! Promises: every random character comes from the operating system's
//! cryptographically secure random source (`getrandom`); if that source
//! fails, generation fails — there is no weaker fallback. The secret carries
//! more than 256 bits of randomness. Both values have a recognisable prefix
//! (so leaked keys can be found by scanners) and end in a CRC-32 checksum
//! (so a mistyped or truncated value is detected), the way GitHub's token
//! format does.
//!
//! Formats: ID `kwid_` + 20 random + 6 checksum characters;
//! secret `kwsk_` + 43 random + 6 checksum characters (base62).

use crate::secret::Secret;

/// Prefix of credential IDs.
pub const ID_PREFIX: &str = "kwid_";
/// Prefix of credential secrets.
pub const SECRET_PREFIX: &str = "kwsk_";
const ID_RANDOM: usize = 20;
/// 43 base62 characters carry 43 × log2(62) ≈ 256.03 bits.
const SECRET_RANDOM: usize = 43;
const CHECKSUM_LEN: usize = 6;
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The operating system's random source failed; nothing was generated.
#[derive(Debug, thiserror::Error)]
#[error(
    "Your computer's secure random number source did not answer, so no key was made. Restart Keyward and try again."
)]
pub struct RandomSourceFailed;

/// A freshly generated credential. The secret stays wrapped.
#[derive(Debug)]
pub struct Credential {
    /// Public identifier of the credential.
    pub id: String,
    /// The secret part.
    pub secret: Secret,
}

/// Makes a new credential ID and secret from the OS random source.
pub fn generate_credential() -> Result<Credential, RandomSourceFailed> {
    Ok(Credential {
        id: token(ID_PREFIX, ID_RANDOM)?,
        secret: Secret::new(token(SECRET_PREFIX, SECRET_RANDOM)?),
    })
}

/// A random identifier of `bytes` random bytes in lowercase hex (for record ids).
pub fn random_hex(bytes: usize) -> Result<String, RandomSourceFailed> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|_| RandomSourceFailed)?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

fn token(prefix: &str, random_len: usize) -> Result<String, RandomSourceFailed> {
    let mut out = String::with_capacity(prefix.len() + random_len + CHECKSUM_LEN);
    out.push_str(prefix);
    let mut pool = zeroize::Zeroizing::new([0u8; 64]);
    let mut used = pool.len();
    while out.len() < prefix.len() + random_len {
        if used == pool.len() {
            getrandom::fill(pool.as_mut_slice()).map_err(|_| RandomSourceFailed)?;
            used = 0;
        }
        let byte = pool[used];
        used += 1;
        // Rejection sampling: 248 = 4 × 62, so bytes below it map uniformly.
        if byte < 248 {
            out.push(BASE62[usize::from(byte % 62)] as char);
        }
    }
    let checksum = encode_checksum(crc32(&out.as_bytes()[prefix.len()..]));
    out.push_str(&checksum);
    Ok(out)
}

fn encode_checksum(mut value: u32) -> String {
    let mut digits = [b'0'; CHECKSUM_LEN];
    for digit in digits.iter_mut().rev() {
        *digit = BASE62[(value % 62) as usize];
        value /= 62;
    }
    String::from_utf8_lossy(&digits).into_owned()
}

/// CRC-32 (IEEE 802.3), bit by bit: the inputs are tiny.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// What a pasted or typed token looks like to Keyward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCheck {
    /// A Keyward token whose checksum matches.
    Valid,
    /// Has a Keyward prefix, but a character was changed, added or lost.
    Damaged,
    /// Not a Keyward token (a key made elsewhere): nothing to check.
    Foreign,
}

/// Checks a credential ID or secret against its checksum.
pub fn check_token(token: &str) -> TokenCheck {
    let Some(body) = token
        .strip_prefix(ID_PREFIX)
        .map(|b| (b, ID_RANDOM))
        .or_else(|| {
            token
                .strip_prefix(SECRET_PREFIX)
                .map(|b| (b, SECRET_RANDOM))
        })
    else {
        return TokenCheck::Foreign;
    };
    let (body, random_len) = body;
    if body.len() != random_len + CHECKSUM_LEN || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return TokenCheck::Damaged;
    }
    let (random, checksum) = body.split_at(random_len);
    if encode_checksum(crc32(random.as_bytes())) == checksum {
        TokenCheck::Valid
    } else {
        TokenCheck::Damaged
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn credentials_have_the_documented_format() {
        let cred = generate_credential().unwrap();
        assert!(cred.id.starts_with(ID_PREFIX));
        assert_eq!(cred.id.len(), 5 + 20 + 6);
        let secret = cred.secret.expose();
        assert!(secret.starts_with(SECRET_PREFIX));
        assert_eq!(secret.len(), 5 + 43 + 6);
        assert!(secret[5..].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(check_token(&cred.id), TokenCheck::Valid);
        assert_eq!(check_token(secret), TokenCheck::Valid);
    }

    #[test]
    fn secret_carries_at_least_256_bits() {
        let bits = SECRET_RANDOM as f64 * 62f64.log2();
        assert!(bits >= 256.0, "only {bits} bits");
    }

    #[test]
    fn checksum_catches_any_single_changed_character() {
        let cred = generate_credential().unwrap();
        let secret = cred.secret.expose().to_owned();
        for position in SECRET_PREFIX.len()..secret.len() {
            let mut bytes = secret.clone().into_bytes();
            bytes[position] = if bytes[position] == b'a' { b'b' } else { b'a' };
            let damaged = String::from_utf8(bytes).unwrap();
            assert_eq!(
                check_token(&damaged),
                TokenCheck::Damaged,
                "a change at {position} went unnoticed"
            );
        }
        assert_eq!(
            check_token(&secret[..secret.len() - 1]),
            TokenCheck::Damaged
        );
        assert_eq!(check_token("sk_live_from_elsewhere"), TokenCheck::Foreign);
    }

    #[test]
    fn no_duplicates_in_a_large_sample() {
        let mut seen = HashSet::new();
        for _ in 0..20_000 {
            let cred = generate_credential().unwrap();
            assert!(
                seen.insert(cred.secret.expose().to_owned()),
                "duplicate secret"
            );
            assert!(seen.insert(cred.id), "duplicate id");
        }
    }

    #[test]
    fn characters_are_spread_over_the_whole_alphabet() {
        // 2,000 secrets × 43 characters: every base62 character should appear
        // roughly 1,387 times; a biased or truncated mapping would show here.
        let mut counts = [0usize; 62];
        for _ in 0..2_000 {
            let cred = generate_credential().unwrap();
            let random = &cred.secret.expose()[5..5 + SECRET_RANDOM];
            for b in random.bytes() {
                let index = BASE62.iter().position(|&c| c == b).unwrap();
                counts[index] += 1;
            }
        }
        let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
        assert!(*min > 1_100 && *max < 1_700, "skewed: min {min}, max {max}");
    }

    #[test]
    fn record_ids_are_random_hex() {
        let a = random_hex(16).unwrap();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, random_hex(16).unwrap());
    }
}
