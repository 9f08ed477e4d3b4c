//! Steward's cryptography: per-subject data keys (XChaCha20-Poly1305), key wrapping
//! under a master key kept outside the database, blind indexes (keyed HMAC-SHA-256),
//! audit-chain MACs (HMAC-SHA-256 under a key of their own; plain SHA-256 for chains
//! written before the chain was keyed) and random tokens. No I/O.

use base64::Engine as _;
use chacha20poly1305::{
    Key, XChaCha20Poly1305, XNonce,
    aead::{Aead, KeyInit, Payload},
};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Length of every symmetric key, in bytes.
pub const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
/// Length of a blind-index value: HMAC-SHA-256 truncated to 128 bits (RFC 2104 §5
/// allows truncation to no less than half the output; a chance collision among a
/// billion entries is about 1 in 10^20).
pub const BLIND_INDEX_LEN: usize = 16;
/// Prefix of every API token, so leaked tokens are easy to recognise and scan for.
pub const TOKEN_PREFIX: &str = "stw_";

/// Errors from cryptographic operations. None carries key material or plaintext.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    /// The master key text is not 32 bytes of hex or base64.
    #[error("the master key is malformed: {0}")]
    BadMasterKey(&'static str),
    /// A ciphertext did not authenticate: wrong key, tampering, or an erased subject.
    #[error("decryption failed (wrong key or damaged data)")]
    Decrypt,
    /// Encryption failed (should not happen with valid keys).
    #[error("encryption failed")]
    Encrypt,
    /// The operating system's random source failed.
    #[error("the system random number generator failed")]
    Random,
}

/// Fill `buf` from the operating system's random source.
pub fn random_bytes(buf: &mut [u8]) -> Result<(), CryptoError> {
    getrandom::fill(buf).map_err(|_| CryptoError::Random)
}

/// The master key: wraps every data key and keys the blind indexes. Kept outside the
/// database (a 0600 key file or an environment variable). Zeroed on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MasterKey([u8; KEY_LEN]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    /// A fresh random master key.
    pub fn generate() -> Result<Self, CryptoError> {
        let mut k = [0u8; KEY_LEN];
        random_bytes(&mut k)?;
        Ok(Self(k))
    }

    /// Parse the key from text: 64 hex digits or standard base64 of 32 bytes, surrounding
    /// whitespace ignored.
    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        let t = text.trim();
        let mut bytes = if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(t).map_err(|_| CryptoError::BadMasterKey("not valid hex"))?
        } else {
            base64::engine::general_purpose::STANDARD
                .decode(t)
                .map_err(|_| CryptoError::BadMasterKey("expected 64 hex digits or base64 of 32 bytes"))?
        };
        if bytes.len() != KEY_LEN {
            bytes.zeroize();
            return Err(CryptoError::BadMasterKey("it must be exactly 32 bytes"));
        }
        let mut k = [0u8; KEY_LEN];
        k.copy_from_slice(&bytes);
        bytes.zeroize();
        Ok(Self(k))
    }

    /// The key as 64 hex digits, for writing the key file.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    fn derive(&self, label: &[u8]) -> [u8; KEY_LEN] {
        let hk = hkdf::Hkdf::<Sha256>::new(Some(b"steward-master-key-v1"), &self.0);
        let mut out = [0u8; KEY_LEN];
        // 32 bytes is far below HKDF-SHA-256's 8160-byte output limit, so expand cannot fail.
        if hk.expand(label, &mut out).is_err() {
            out = [0u8; KEY_LEN];
        }
        out
    }

    /// The keys derived from this master key (HKDF-SHA-256, RFC 5869, one label each).
    pub fn keyring(&self) -> Keyring {
        let mut wrap = self.derive(b"wrap data keys");
        let mut check = self.derive(b"key check");
        let ring = Keyring {
            wrap: XChaCha20Poly1305::new(Key::from_slice(&wrap)),
            index: IndexKey(self.derive(b"blind index")),
            sign: IndexKey(self.derive(b"form tokens")),
            audit: AuditKey(self.derive(b"audit chain")),
            check: hex::encode(Sha256::digest(check)),
        };
        wrap.zeroize();
        check.zeroize();
        ring
    }
}

/// Keys in use while Steward runs, derived from the master key.
pub struct Keyring {
    wrap: XChaCha20Poly1305,
    index: IndexKey,
    sign: IndexKey,
    audit: AuditKey,
    check: String,
}

#[derive(Zeroize, ZeroizeOnDrop)]
struct IndexKey([u8; KEY_LEN]);

impl Keyring {
    /// A value that identifies the master key without revealing it, stored in the
    /// database so a wrong key is detected on start rather than as garbled data.
    pub fn key_check(&self) -> &str {
        &self.check
    }

    /// The key of the audit chain's MACs, derived for that purpose alone (HKDF label
    /// "audit chain"), to hand to the store: the store never holds the master key.
    pub fn audit_key(&self) -> AuditKey {
        self.audit.clone()
    }

    /// Wrap (encrypt) a subject's data key, bound to the subject's id.
    pub fn wrap(&self, key: &DataKey, subject_id: &str) -> Result<Vec<u8>, CryptoError> {
        seal_with(&self.wrap, subject_id.as_bytes(), &key.0)
    }

    /// Unwrap a subject's data key.
    pub fn unwrap_key(&self, wrapped: &[u8], subject_id: &str) -> Result<DataKey, CryptoError> {
        let mut plain = open_with(&self.wrap, subject_id.as_bytes(), wrapped)?;
        if plain.len() != KEY_LEN {
            plain.zeroize();
            return Err(CryptoError::Decrypt);
        }
        let mut k = [0u8; KEY_LEN];
        k.copy_from_slice(&plain);
        plain.zeroize();
        Ok(DataKey(k))
    }

    /// Seal a small secret held for Steward itself (a user's TOTP secret), bound to
    /// `aad`, under the key that wraps data keys.
    pub fn seal_secret(&self, aad: &str, secret: &[u8]) -> Result<Vec<u8>, CryptoError> {
        seal_with(&self.wrap, aad.as_bytes(), secret)
    }

    /// Open what [`Keyring::seal_secret`] sealed.
    pub fn open_secret(&self, aad: &str, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        open_with(&self.wrap, aad.as_bytes(), sealed)
    }

    /// Blind-index value of a normalised `term` of kind `tag`: HMAC-SHA-256 under the
    /// index key over `tag`, a zero byte, and the term. Equal inputs give equal outputs,
    /// so exact look-up works without storing the term.
    pub fn blind_index(&self, tag: &str, term: &str) -> [u8; BLIND_INDEX_LEN] {
        let mut out = [0u8; BLIND_INDEX_LEN];
        // HMAC accepts keys of any length, so new_from_slice cannot fail for 32 bytes.
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.index.0) else {
            return out;
        };
        mac.update(tag.as_bytes());
        mac.update(&[0]);
        mac.update(term.as_bytes());
        out.copy_from_slice(&mac.finalize().into_bytes()[..BLIND_INDEX_LEN]);
        out
    }
}

impl Keyring {
    fn signer(&self, purpose: &str, msg: &str) -> Option<Hmac<Sha256>> {
        // HMAC accepts keys of any length, so new_from_slice cannot fail for 32 bytes.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.sign.0).ok()?;
        mac.update(&(purpose.len() as u64).to_be_bytes());
        mac.update(purpose.as_bytes());
        mac.update(msg.as_bytes());
        Some(mac)
    }

    /// Sign `msg` for `purpose`: HMAC-SHA-256 under a key derived for Steward's own
    /// short-lived tokens and keyed hashes (label "form tokens"), over the purpose's
    /// length (8 bytes, big-endian), the purpose and the message, as URL-safe base64
    /// (43 characters). A signature made for one purpose never verifies for another.
    pub fn sign(&self, purpose: &str, msg: &str) -> String {
        match self.signer(purpose, msg) {
            Some(mac) => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()),
            None => String::new(),
        }
    }

    /// Whether `signature` is [`Keyring::sign`]'s signature of `msg` for `purpose`,
    /// compared in constant time.
    pub fn verify(&self, purpose: &str, msg: &str, signature: &str) -> bool {
        let Ok(tag) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(signature.trim()) else {
            return false;
        };
        self.signer(purpose, msg).is_some_and(|mac| mac.verify_slice(&tag).is_ok())
    }
}

/// A subject's own data key. Destroying its wrapped copy makes the subject's
/// ciphertexts unreadable (crypto-shredding). Zeroed on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; KEY_LEN]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    /// A fresh random data key.
    pub fn generate() -> Result<Self, CryptoError> {
        let mut k = [0u8; KEY_LEN];
        random_bytes(&mut k)?;
        Ok(Self(k))
    }

    /// Encrypt `plaintext` under this key, authenticating `aad` (the subject id and
    /// field name, so ciphertexts cannot be moved between subjects or fields).
    /// Output is the 24-byte random nonce followed by the ciphertext and tag.
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        seal_with(&XChaCha20Poly1305::new(Key::from_slice(&self.0)), aad, plaintext)
    }

    /// Decrypt what [`DataKey::seal`] produced.
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        open_with(&XChaCha20Poly1305::new(Key::from_slice(&self.0)), aad, sealed)
    }
}

fn seal_with(cipher: &XChaCha20Poly1305, aad: &[u8], msg: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let mut nonce = [0u8; NONCE_LEN];
    random_bytes(&mut nonce)?;
    let ct = cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg, aad }).map_err(|_| CryptoError::Encrypt)?;
    let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    Ok(out)
}

fn open_with(cipher: &XChaCha20Poly1305, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if sealed.len() < NONCE_LEN + 16 {
        return Err(CryptoError::Decrypt);
    }
    let (nonce, ct) = sealed.split_at(NONCE_LEN);
    cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad }).map_err(|_| CryptoError::Decrypt)
}

/// The key that binds the audit chain: each entry's hash is an HMAC-SHA-256 (RFC 2104)
/// under it, so that someone who can write to the database but does not hold the master
/// key cannot rewrite entries and recompute a consistent chain (OWASP ASVS 5.0
/// V16.4.2: logs are protected from unauthorised modification). Zeroed on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct AuditKey([u8; KEY_LEN]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(..)")
    }
}

impl AuditKey {
    /// Hash of an audit entry in a keyed chain: HMAC-SHA-256 under this key over the
    /// previous entry's hash (hex text) and the entry's canonical encoding, as
    /// lower-case hex (64 digits, like [`chain_hash`]).
    pub fn chain_mac(&self, prev_hash_hex: &str, canonical: &[u8]) -> String {
        // HMAC accepts keys of any length, so new_from_slice cannot fail for 32 bytes.
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.0) else {
            return String::new();
        };
        mac.update(prev_hash_hex.as_bytes());
        mac.update(canonical);
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether `hash_hex` is [`AuditKey::chain_mac`] of the entry, compared in constant time.
    pub fn verify_chain_mac(&self, prev_hash_hex: &str, canonical: &[u8], hash_hex: &str) -> bool {
        let expected = self.chain_mac(prev_hash_hex, canonical);
        !expected.is_empty() && constant_time_eq(&expected, hash_hex)
    }
}

/// Hash of an audit entry in a chain written before the chain was keyed: SHA-256 over
/// the previous entry's hash (hex text) and the entry's canonical encoding, as
/// lower-case hex. Only used to check (and re-key) such chains; see [`AuditKey`].
pub fn chain_hash(prev_hash_hex: &str, canonical: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash_hex.as_bytes());
    h.update(canonical);
    hex::encode(h.finalize())
}

/// Whether two secrets (tokens, hashes) are equal, in time that does not depend on
/// where they first differ (the `subtle` crate's constant-time comparison).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// SHA-256 of a secret token as hex: what is stored for API tokens and sessions.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// SHA-256 of arbitrary bytes as hex (file checksums).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A new random secret token: [`TOKEN_PREFIX`] then 32 random bytes in URL-safe base64.
pub fn new_token() -> Result<String, CryptoError> {
    let mut b = [0u8; 32];
    random_bytes(&mut b)?;
    Ok(format!("{TOKEN_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn master_key_round_trips_through_hex_and_base64() {
        let k = MasterKey::generate().expect("rng");
        let again = MasterKey::parse(&format!("  {}\n", k.to_hex())).expect("hex");
        assert_eq!(k.keyring().key_check(), again.keyring().key_check());
        let b64 = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        assert!(MasterKey::parse(&b64).is_ok());
        assert!(MasterKey::parse("abc").is_err());
        assert!(MasterKey::parse(&"00".repeat(31)).is_err());
    }

    #[test]
    fn data_is_bound_to_key_and_aad() {
        let ring = MasterKey::generate().expect("rng").keyring();
        let dk = DataKey::generate().expect("rng");
        let wrapped = ring.wrap(&dk, "subject-1").expect("wrap");
        let sealed = dk.seal(b"subject-1", b"Jane Smith").expect("seal");
        let dk2 = ring.unwrap_key(&wrapped, "subject-1").expect("unwrap");
        assert_eq!(dk2.open(b"subject-1", &sealed).expect("open"), b"Jane Smith");
        assert_eq!(dk2.open(b"subject-2", &sealed), Err(CryptoError::Decrypt));
        assert!(ring.unwrap_key(&wrapped, "subject-2").is_err());
        let other = MasterKey::generate().expect("rng").keyring();
        assert!(other.unwrap_key(&wrapped, "subject-1").is_err());
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(dk.open(b"subject-1", &tampered).is_err());
        assert!(dk.open(b"subject-1", &[1, 2, 3]).is_err());
    }

    #[test]
    fn blind_index_is_deterministic_keyed_and_kind_separated() {
        let k = MasterKey::generate().expect("rng");
        let a = k.keyring();
        let b = k.keyring();
        assert_eq!(a.blind_index("email", "jane@example.org"), b.blind_index("email", "jane@example.org"));
        assert_ne!(a.blind_index("email", "x"), a.blind_index("phone", "x"));
        let other = MasterKey::generate().expect("rng").keyring();
        assert_ne!(a.blind_index("email", "x"), other.blind_index("email", "x"));
    }

    #[test]
    fn signatures_are_keyed_and_bound_to_purpose_and_message() {
        let k = MasterKey::generate().expect("rng");
        let ring = k.keyring();
        let sig = ring.sign("public form", "1767225600");
        assert_eq!(sig.len(), 43);
        assert!(ring.verify("public form", "1767225600", &sig));
        assert!(k.keyring().verify("public form", "1767225600", &sig), "same master key, same signature");
        assert!(!ring.verify("public form", "1767225601", &sig), "another message");
        assert!(!ring.verify("csrf", "1767225600", &sig), "another purpose");
        assert!(!ring.verify("public formx", "1767225600", &sig));
        assert!(!ring.verify("public form", "1767225600", ""));
        assert!(!ring.verify("public form", "1767225600", "not base64!"));
        assert!(!ring.verify("public form", "1767225600", &sig[..40]));
        let other = MasterKey::generate().expect("rng").keyring();
        assert!(!other.verify("public form", "1767225600", &sig), "another master key");
        assert_ne!(ring.sign("a", "b\0c"), ring.sign("a\0b", "c"));
    }

    #[test]
    fn audit_macs_are_keyed_and_differ_from_plain_hashes() {
        let k = MasterKey::generate().expect("rng");
        let a = k.keyring().audit_key();
        let again = k.keyring().audit_key();
        let mac = a.chain_mac("a", b"x");
        assert_eq!(mac.len(), 64);
        assert_eq!(mac, again.chain_mac("a", b"x"), "same master key, same MAC");
        assert_ne!(mac, chain_hash("a", b"x"), "a MAC is not the plain hash");
        assert_ne!(mac, a.chain_mac("b", b"x"));
        assert_ne!(mac, a.chain_mac("a", b"y"));
        let other = MasterKey::generate().expect("rng").keyring().audit_key();
        assert_ne!(mac, other.chain_mac("a", b"x"), "another master key, another MAC");
        assert!(a.verify_chain_mac("a", b"x", &mac));
        assert!(!a.verify_chain_mac("a", b"y", &mac));
        assert!(!other.verify_chain_mac("a", b"x", &mac));
        assert!(!a.verify_chain_mac("a", b"x", &chain_hash("a", b"x")));
        // The audit key is derived for the chain alone: not the blind-index or signing key.
        let ring = k.keyring();
        assert_ne!(hex::encode(ring.blind_index("a", "x")), mac[..32]);
        assert!(!format!("{a:?}").contains(&mac[..8]));
    }

    #[test]
    fn chain_hash_depends_on_previous() {
        assert_ne!(chain_hash("a", b"x"), chain_hash("b", b"x"));
        assert_eq!(chain_hash("a", b"x").len(), 64);
        let t = new_token().expect("rng");
        assert!(t.starts_with(TOKEN_PREFIX) && t.len() > 40);
        assert_eq!(token_hash(&t).len(), 64);
    }
}
