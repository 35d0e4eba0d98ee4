// DKIM signing per message: DkimFinisher.prepare (header edits, relaxed body
// hash over the ~60 KB message, signature) + writeTo a null stream, for RSA-2048
// through the JDK's provider, AWS-LC (Amazon Corretto Crypto Provider, what
// crypto.provider: auto uses) and Bouncy Castle, and Ed25519 through Bouncy Castle. The score is messages/s; the difference between providers is
// the signature cost.
package org.mailward.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.mailward.api.BodySource;
import org.mailward.api.Envelope;
import org.mailward.api.HeaderEdit;
import org.mailward.policy.dkim.DkimFinisher;
import org.mailward.policy.dkim.DkimKey;
import org.mailward.policy.dkim.DkimSigner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class DkimSignBenchmark {
  @Param({"rsa2048-jdk", "rsa2048-accp", "rsa2048-bc", "ed25519-bc"})
  public String provider;

  DkimFinisher finisher;
  Envelope envelope;
  BodySource body;

  @Setup
  public void setUp() throws Exception {
    DkimKey key;
    if (provider.startsWith("rsa")) {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      key = DkimKey.fromInfo(PrivateKeyInfo.getInstance(g.generateKeyPair().getPrivate().getEncoded()));
      if (provider.endsWith("bc")) {
        key = ((DkimKey.Rsa) key).withProvider(new BouncyCastleProvider());
      } else if (provider.endsWith("accp")) {
        key = ((DkimKey.Rsa) key).withProvider(com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE);
      } else {
        key = ((DkimKey.Rsa) key).withProvider(java.security.Security.getProvider("SunRsaSign"));
      }
    } else {
      key = DkimKey.fromInfo(PrivateKeyInfoFactory.createPrivateKeyInfo(new Ed25519PrivateKeyParameters(new SecureRandom())));
    }
    Clock clock = Clock.fixed(PolicyBenchData.NOW, ZoneOffset.UTC);
    finisher = new DkimFinisher(Map.of(PolicyBenchData.TENANT, new DkimSigner("clinic.example", "mw1", key, clock)));
    envelope = PolicyBenchData.marketingEnvelope(
        List.of(new HeaderEdit.Replace("List-Unsubscribe", "<https://u.clinic.example/u/token>"),
            new HeaderEdit.Replace("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")), true);
    body = PolicyBenchData.marketingBody();
  }

  @Benchmark
  public void signMessage() throws IOException {
    finisher.prepare(envelope, body).writeTo(OutputStream.nullOutputStream());
  }
}
