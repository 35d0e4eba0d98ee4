package org.mailward.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  final PasswordHasher hasher = new PasswordHasher(1024, 1, 1);

  @Test
  void argon2idHash_isPhcFormatted_andVerifies() {
    String phc = hasher.hash("s3cret".toCharArray());
    assertThat(phc).matches("\\$argon2id\\$v=19\\$m=1024,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(hasher.verify(phc, "s3cret".toCharArray())).isTrue();
    assertThat(hasher.verify(phc, "s3cret!".toCharArray())).isFalse();
  }

  @Test
  void knownArgon2idVector_fromTheReferenceImplementation_verifies() {
    // made with Debian's argon2 CLI: echo -n password | argon2 somesalt -id -t 2 -m 16 -p 4 -l 32 -e
    String phc = "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo";
    assertThat(hasher.verify(phc, "password".toCharArray())).isTrue();
  }

  @Test
  void pbkdf2Sha256_verifiesInBothSpellings() {
    String phc = hasher.hashPbkdf2("pw".toCharArray(), 1000);
    assertThat(phc).startsWith("$pbkdf2-sha256$i=1000$");
    assertThat(hasher.verify(phc, "pw".toCharArray())).isTrue();
    String passlib = phc.replace("$i=1000$", "$1000$").replace('+', '.');
    assertThat(hasher.verify(passlib, "pw".toCharArray())).isTrue();
    assertThat(hasher.verify(phc, "px".toCharArray())).isFalse();
  }

  @Test
  void malformedOrUnsupportedHashes_neverVerify() {
    for (String bad : new String[] {"", "plain", "$argon2i$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$abc", "$argon2id$v=19$m=99999999,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
        "$pbkdf2-sha256$i=x$a$b", "$md5$x"}) {
      assertThat(hasher.verify(bad, "password".toCharArray())).as(bad).isFalse();
    }
  }
}
