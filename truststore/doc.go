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
package truststore
