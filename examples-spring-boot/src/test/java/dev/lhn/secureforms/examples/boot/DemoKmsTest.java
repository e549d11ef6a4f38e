package dev.lhn.secureforms.examples.boot;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;

class DemoKmsTest {
  private final DemoKms kms = new DemoKms();

  @Test
  void doesSupport_onlyDemoUris_soARealKmsUriGoesToTinksClient() {
    assertThat(kms.doesSupport("demo-kms://bootsample/kek")).isTrue();
    assertThat(kms.doesSupport("aws-kms://arn:aws:kms:eu-west-1:111122223333:key/1234abcd")).isFalse();
    assertThat(kms.doesSupport("gcp-kms://projects/p/locations/l/keyRings/r/cryptoKeys/k")).isFalse();
    assertThat(kms.doesSupport(null)).isFalse();
    assertThatThrownBy(() -> kms.getAead("aws-kms://arn:aws:kms:eu-west-1:111122223333:key/1234abcd"))
        .isInstanceOf(GeneralSecurityException.class)
        .hasMessage("DemoKms supports only demo-kms:// key URIs");
  }

  @Test
  void getAead_sameUri_sameKey_otherUri_otherKey() throws GeneralSecurityException {
    byte[] ad = "ad".getBytes(UTF_8);
    Aead a = kms.getAead("demo-kms://bootsample/kek");
    byte[] sealed = a.encrypt("data key".getBytes(UTF_8), ad);
    assertThat(kms.getAead("demo-kms://bootsample/kek").decrypt(sealed, ad)).isEqualTo("data key".getBytes(UTF_8));
    Aead other = kms.getAead("demo-kms://bootsample/other");
    assertThatThrownBy(() -> other.decrypt(sealed, ad)).isInstanceOf(GeneralSecurityException.class);
  }
}
