package dev.strata.cli;

import dev.strata.engine.manifest.Manifest;
import dev.strata.engine.sst.TableFormat;
import dev.strata.engine.wal.WalFormat;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code strata --version}: the tool's version, the file formats it reads and writes, the JVM. */
public final class VersionInfo implements CommandLine.IVersionProvider {

    /** The project version the build wrote into version.properties. */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = VersionInfo.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return p.getProperty("version", "unknown");
    }

    @Override
    public String[] getVersion() {
        return new String[]{
                "strata " + version(),
                "formats: WAL " + WalFormat.VERSION + ", table " + TableFormat.VERSION + ", manifest " + Manifest.VERSION,
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
