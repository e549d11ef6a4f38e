package dev.lhn.secureforms.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BundleReproducibleTest {

  @Test
  void bundle_rebuiltFromTheLockfile_isByteIdentical() throws Exception {
    Tools.require(Tools.onPath("npm") != null && Tools.onPath("node") != null,
        "BundleReproducibleTest: no node/npm on the PATH (the committed bundle is used as it is)");
    Process p = new ProcessBuilder("sh", Tools.JS.resolve("check-bundle.sh").toString()).redirectErrorStream(true).start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "check-bundle.sh did not finish in 5 minutes");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("identical"), out);
  }

  @Test
  void jar_carriesTheBundle() {
    String js = new String(BrowserBundle.bytes(), StandardCharsets.UTF_8);
    assertTrue(js.contains("lsf/sealed/v1"), "the HPKE info label is in the bundle");
    assertTrue(js.contains("export{"), "an ES module");
  }
}
