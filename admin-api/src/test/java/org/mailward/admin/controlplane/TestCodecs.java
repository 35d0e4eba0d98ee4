package org.mailward.admin.controlplane;

import java.nio.file.Path;
import java.security.SecureRandom;
import org.mailward.api.Redactor;
import org.mailward.queue.crypto.MasterKey;

/** A sealing {@link ChangeCodec} on a real master key file and a fresh redactor key, for tests. */
public final class TestCodecs {
  private TestCodecs() {}

  public static ChangeCodec sealing(Path keyDirectory) {
    SecureRandom random = new SecureRandom();
    try {
      java.nio.file.Files.createDirectories(keyDirectory);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    byte[] redactorKey = new byte[32];
    random.nextBytes(redactorKey);
    return new ChangeCodec(new RecordSeal(MasterKey.loadOrCreate(keyDirectory.resolve("master.key"), random), random),
        new Redactor(redactorKey));
  }
}
