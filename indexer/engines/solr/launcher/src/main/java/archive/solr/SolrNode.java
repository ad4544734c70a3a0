package archive.solr;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * One SolrCloud node in this JVM: {@code SolrNode SOLR_HOME PORT ZK_HOST}.
 *
 * <p>Each node runs in a process of its own, so that a test can {@code kill -9} one and the
 * cluster (and the archive's engine) must cope. The node listens on 127.0.0.1 only. It
 * writes this launcher's solr.xml into SOLR_HOME (its cores live there too), joins the
 * cluster whose ZooKeeper is ZK_HOST, prints {@code ready PORT} once Jetty serves, and
 * stops cleanly on SIGTERM (Jetty's shutdown hook).
 */
public final class SolrNode {
  private SolrNode() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: SolrNode SOLR_HOME PORT ZK_HOST");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    Files.createDirectories(home);
    try (InputStream solrXml = SolrNode.class.getResourceAsStream("/solr.xml")) {
      Files.copy(solrXml, home.resolve("solr.xml"), StandardCopyOption.REPLACE_EXISTING);
    }
    Properties node = new Properties();
    node.setProperty("zkHost", args[2]);
    JettyConfig config = JettyConfig.builder().setPort(port).setContext("/solr").stopAtShutdown(true).build();
    JettySolrRunner jetty = new JettySolrRunner(home.toString(), node, config);
    jetty.start();
    System.out.println("ready " + jetty.getLocalPort());
    System.out.flush();
  }
}
