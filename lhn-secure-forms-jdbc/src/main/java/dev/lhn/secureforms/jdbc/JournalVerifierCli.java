package dev.lhn.secureforms.jdbc;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import dev.lhn.secureforms.SecureFormsException;
import dev.lhn.secureforms.journal.Checkpoint;
import dev.lhn.secureforms.journal.JournalChain;
import dev.lhn.secureforms.journal.JournalVerification;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The journal verifier as a command (docs/JOURNAL.md, "Verifying from the command line"): reads the journal
 * tables through JDBC, unwraps the chain's root key with the KEK and checks every chained record.
 *
 * <pre>
 * java -cp &lt;classpath&gt; dev.lhn.secureforms.jdbc.JournalVerifierCli \
 *     --url jdbc:postgresql://db/app --user auditor --password-env PGPASSWORD \
 *     --prefix lsf_ --kek-keyset kek.json [--checkpoint lhnj1.1234.AbC...]
 * </pre>
 *
 * <p>The KEK: {@code --kek-keyset} names a Tink JSON keyset file (a local KEK, as in development), read with
 * {@code InsecureSecretKeyAccess}; a host whose KEK lives in a KMS calls {@link JournalChain#verify} from its
 * own code with its KMS {@link Aead} instead. Exit codes: 0 every chained record verified; 1 a bad record
 * (the first is named on standard output); 2 bad arguments; 3 the database or the KEK failed.
 */
public final class JournalVerifierCli {
  /** Every chained record verified. */
  public static final int OK = 0;
  /** A bad record was found. */
  public static final int BAD = 1;
  /** The arguments were wrong. */
  public static final int USAGE = 2;
  /** The database or the KEK failed. */
  public static final int FAILED = 3;

  private JournalVerifierCli() {}

  /**
   * Runs the verifier and exits with its code.
   *
   * @param args see the class comment
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the verifier.
   *
   * @param args see the class comment
   * @param out where the verdict goes
   * @param err where errors go
   * @return the exit code
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || i + 1 >= args.length) {
        return usage(err, "unexpected argument " + (a.startsWith("--") ? a + " without a value" : "'" + a + "'"));
      }
      opts.put(a.substring(2), args[++i]);
    }
    String url = opts.get("url");
    String keyset = opts.get("kek-keyset");
    if (url == null || keyset == null) {
      return usage(err, "--url and --kek-keyset are required");
    }
    String prefix = opts.getOrDefault("prefix", JdbcSubmissionStore.DEFAULT_TABLE_PREFIX);
    Checkpoint anchored;
    try {
      anchored = opts.containsKey("checkpoint") ? Checkpoint.parse(opts.get("checkpoint")) : null;
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    String password = opts.containsKey("password-env") ? System.getenv(opts.get("password-env")) : null;
    Aead kek;
    try {
      AeadConfig.register();
      String json = Files.readString(Path.of(keyset), StandardCharsets.UTF_8);
      kek = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get())
          .getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (IOException | GeneralSecurityException e) {
      err.println("cannot read the KEK keyset " + keyset + " (" + e.getClass().getSimpleName() + ")");
      return FAILED;
    }
    try {
      JdbcSubmissionStore store = JdbcSubmissionStore.builder(new UrlSource(url, opts.get("user"), password))
          .tablePrefix(prefix).build();
      JournalVerification v = JournalChain.verify(kek, store.journal(), anchored);
      out.println(v);
      return v.ok() ? OK : BAD;
    } catch (SecureFormsException | IllegalStateException | IllegalArgumentException e) {
      err.println("verification failed: " + e.getMessage());
      return FAILED;
    }
  }

  private static int usage(PrintStream err, String problem) {
    err.println(problem);
    err.println("usage: JournalVerifierCli --url <jdbc url> --kek-keyset <tink json keyset> [--prefix lsf_]"
        + " [--user <name>] [--password-env <variable>] [--checkpoint lhnj1.<count>.<head>]");
    return USAGE;
  }

  /** {@link DriverManager} as a {@link DataSource}: one connection per call, for a one-shot command. */
  private static final class UrlSource implements DataSource {
    private final String url;
    private final String user;
    private final String password;

    UrlSource(String url, String user, String password) {
      this.url = url;
      this.user = user;
      this.password = password;
    }

    @Override
    public Connection getConnection() throws SQLException {
      Properties p = new Properties();
      if (user != null) {
        p.setProperty("user", user);
      }
      if (password != null) {
        p.setProperty("password", password);
      }
      return DriverManager.getConnection(url, p);
    }

    @Override
    public Connection getConnection(String u, String pw) throws SQLException {
      return DriverManager.getConnection(url, u, pw);
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
