#!/usr/bin/env bash
# Makes the trust stores in this folder with the JDK's keytool. Run from this
# folder: bash make.sh. Passwords are test-only: "changeit" for every store.
# The CA is valid for 50 years from the day this ran (see TestTestdataFresh).
set -euo pipefail
rm -f ./*.jks ./*.p12 ./*.jceks ./*.pem
kt() { keytool -noprompt "$@" >/dev/null 2>&1 || keytool -noprompt "$@"; }
P=changeit
# The CA, and its certificate in PEM.
kt -genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname "CN=dbtls test CA,O=dbtls" -ext bc:c \
   -validity 18262 -keystore ca.p12 -storetype PKCS12 -storepass $P
kt -exportcert -rfc -alias ca -keystore ca.p12 -storepass $P -file ca.pem
# Trust stores holding that CA.
kt -importcert -alias ca -file ca.pem -keystore trust.jks -storetype JKS -storepass $P
kt -importcert -alias ca -file ca.pem -keystore trust.p12 -storetype PKCS12 -storepass $P
kt -J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE -J-Dkeystore.pkcs12.macAlgorithm=NONE \
   -importcert -alias ca -file ca.pem -keystore trust-nopass.p12 -storetype PKCS12 -storepass $P
kt -importcert -alias ca -file ca.pem -keystore trust.jceks -storetype JCEKS -storepass $P
# An empty store: import, then delete the only entry.
kt -importcert -alias ca -file ca.pem -keystore empty.jks -storetype JKS -storepass $P
kt -delete -alias ca -keystore empty.jks -storetype JKS -storepass $P
# Client key stores (a private-key entry with its certificate).
kt -genkeypair -alias client -keyalg EC -groupname secp256r1 -dname "CN=client,O=dbtls" \
   -validity 18262 -keystore client.p12 -storetype PKCS12 -storepass $P
kt -importkeystore -srckeystore client.p12 -srcstoretype PKCS12 -srcstorepass $P \
   -destkeystore client.jks -deststoretype JKS -deststorepass $P -destkeypass $P
rm -f ca.p12
