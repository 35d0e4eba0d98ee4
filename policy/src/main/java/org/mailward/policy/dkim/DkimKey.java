package org.mailward.policy.dkim;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A DKIM private key: RSA (2048 bits or more, signed with a chosen JCA provider) or Ed25519
 * (Bouncy Castle's lightweight signer, RFC 8463: the SHA-256 hash is what gets signed). Loaded only
 * from an encrypted PKCS#8 PEM ({@code ENCRYPTED PRIVATE KEY}); a plaintext key file is refused.
 */
public sealed interface DkimKey {
  /** The {@code a=} tag value. */
  String algorithm();

  /** The {@code k=} tag value of the DNS record. */
  String keyType();

  /** Base64 of the public key as it goes in the DNS record's {@code p=} tag. */
  String publicKeyBase64();

  /** Signs the canonicalized header data. */
  byte[] sign(byte[] data) throws GeneralSecurityException;

  record Rsa(PrivateKey key, java.security.PublicKey publicKey, Provider provider) implements DkimKey {
    public Rsa {
      if (((RSAPrivateKey) key).getModulus().bitLength() < 2048) {
        throw new IllegalArgumentException("DKIM RSA keys need at least 2048 bits");
      }
    }

    @Override
    public String algorithm() {
      return "rsa-sha256";
    }

    @Override
    public String keyType() {
      return "rsa";
    }

    @Override
    public String publicKeyBase64() {
      return Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }

    @Override
    public byte[] sign(byte[] data) throws GeneralSecurityException {
      Signature s = provider == null ? Signature.getInstance("SHA256withRSA") : Signature.getInstance("SHA256withRSA", provider);
      s.initSign(key);
      s.update(data);
      return s.sign();
    }

    /** The same key signing through another provider (for measuring JDK against Bouncy Castle). */
    public Rsa withProvider(Provider other) {
      return new Rsa(key, publicKey, other);
    }
  }

  record Ed25519(Ed25519PrivateKeyParameters key) implements DkimKey {
    @Override
    public String algorithm() {
      return "ed25519-sha256";
    }

    @Override
    public String keyType() {
      return "ed25519";
    }

    @Override
    public String publicKeyBase64() {
      return Base64.getEncoder().encodeToString(key.generatePublicKey().getEncoded());
    }

    @Override
    public byte[] sign(byte[] data) throws GeneralSecurityException {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(data);
      Ed25519Signer signer = new Ed25519Signer();
      signer.init(true, key);
      signer.update(hash, 0, hash.length);
      return signer.generateSignature();
    }
  }

  /** Reads an encrypted PKCS#8 PEM file. RSA keys sign with the JDK's provider. */
  static DkimKey load(Path pem, char[] passphrase) throws IOException {
    try (Reader reader = Files.newBufferedReader(pem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
      Object object = parser.readObject();
      if (!(object instanceof PKCS8EncryptedPrivateKeyInfo encrypted)) {
        throw new IOException("DKIM key " + pem.getFileName() + " must be an encrypted PKCS#8 PEM (ENCRYPTED PRIVATE KEY)");
      }
      Provider bc = new BouncyCastleProvider();
      PrivateKeyInfo info = encrypted.decryptPrivateKeyInfo(
          new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(bc).build(passphrase));
      return fromInfo(info);
    } catch (OperatorCreationException | PKCSException e) {
      throw new IOException("cannot decrypt DKIM key " + pem.getFileName() + " (wrong passphrase?)", e);
    }
  }

  static DkimKey fromInfo(PrivateKeyInfo info) throws IOException {
    var oid = info.getPrivateKeyAlgorithm().getAlgorithm();
    if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
      return new Ed25519((Ed25519PrivateKeyParameters) PrivateKeyFactory.createKey(info));
    }
    if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      PrivateKey key = new JcaPEMKeyConverter().getPrivateKey(info);
      RSAPrivateCrtKey crt = (RSAPrivateCrtKey) key;
      try {
        var publicKey = java.security.KeyFactory.getInstance("RSA")
            .generatePublic(new java.security.spec.RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        return new Rsa(key, publicKey, null);
      } catch (GeneralSecurityException e) {
        throw new IOException("bad RSA key", e);
      }
    }
    throw new IOException("unsupported DKIM key algorithm " + oid);
  }
}
