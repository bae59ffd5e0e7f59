// Package truststore reads the trust stores Java services use — JKS and
// PKCS12 files made by keytool — and PEM bundles, with the JDK's rules:
//
//   - The format is detected from the content (as the JDK's keystore
//     compatibility mode does), whatever the declared type says. JCEKS and
//     other formats are refused with an error naming them.
//   - With a password, the store's integrity is checked; a wrong password is
//     kind truststore-integrity.
//   - Without a password, a JKS store loads without the integrity check (as
//     Java's KeyStore.load(in, null)); a PKCS12 store whose certificates are
//     encrypted is an error saying a password is needed (Java would load an
//     empty store and fail later).
//   - A store with no trusted certificate is an error, never an empty pool.
//     As in the JDK's trust manager, trusted-certificate entries and the
//     first certificate of each private-key entry are trust anchors.
//
// DefaultStoreFile follows the JDK's search for the default trust store
// file: $JAVA_HOME/lib/security/jssecacerts, then …/cacerts.
//
// # Bounds
//
// Trust material is read from files anyone with write access to them can
// replace, and the JKS and PKCS12 decoders allocate and compute whatever a
// file declares (a 400-byte JKS declaring a 0xFFFFFFFF-byte certificate
// cost 4 GiB). So every load — trust stores, PEM bundles and client key
// stores, from Load, LoadBytes, LoadKeyPair and ReadFile, and so from
// connector.New and Reload — is bounded, and what is over a bound is refused
// with kind truststore-unreadable, naming the property and the path:
//
//   - MaxFileSize (8 MiB): a larger file is refused before its content is
//     read (ErrTooLarge); a file that is not regular is read only up to it.
//   - JKS: every count and length the file declares (entries, alias, key,
//     chain, certificate type and certificate) is checked against the bytes
//     that remain before the decoder sees the file, and a private key's
//     protection against its fixed salt and digest sizes before it is
//     decrypted (ErrMalformed; the error names the entry, what it declared
//     and how many bytes remain). JCEKS stays unsupported.
//   - PKCS12: DER lengths are checked by encoding/asn1 before it slices;
//     every iteration count visible before decryption (the MAC, PBMAC1,
//     each encryption) is at most MaxPKCS12Iterations (1,000,000; the JDK
//     allows 5,000,000 and keytool writes 10,000), the authenticated safe
//     holds at most 2 items and each bag at most MaxPKCS12BagAttributes
//     (16) attributes. A store with encrypted content but no MAC is refused:
//     nothing vouches for what decryption would reveal. Encrypted content
//     (its bags, the iteration count of a key inside it) cannot be checked
//     before decryption; it is decrypted only once the MAC verified with the
//     configured password, so it is what a holder of the password wrote.
//   - At most MaxEntries (10,000) entries and certificates a store: JKS
//     entries and their chains' certificates, PKCS12 bags.
//
// With these, loading a store allocates a small multiple of its size; the
// fuzz targets (FuzzJKS, FuzzPKCS12, FuzzPEM, FuzzKeyPair, FuzzLoadBytes)
// fail any input that allocates more than 16 MiB plus 64 bytes a byte.
package truststore
