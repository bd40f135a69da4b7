import java.io.FileInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * The reference for PropertiesReader: java.util.Properties itself. Run in source-launcher mode as
 * {@code java PropertiesOracle.java <dir> <count> <out>}; for every {@code <dir>/<i>.properties} writes two lines,
 * the entries of {@code load(Reader)} over UTF-8 (how the relay reads a file) and of {@code load(InputStream)}
 * (ISO-8859-1, how Flume 1.11 reads one). An entry is its key and value as "x" and 4-hex-digit UTF-16 code units;
 * a malformed escape prints "error".
 */
public final class PropertiesOracle {
    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[1]);
        try (PrintStream out = new PrintStream(args[2], StandardCharsets.US_ASCII)) {
            for (int i = 0; i < count; i++) {
                String path = args[0] + "/" + i + ".properties";
                try (InputStream in = new FileInputStream(path)) {
                    print(out, () -> { Properties p = new Properties(); p.load(new InputStreamReader(in, StandardCharsets.UTF_8)); return p; });
                }
                try (InputStream in = new FileInputStream(path)) {
                    print(out, () -> { Properties p = new Properties(); p.load(in); return p; });
                }
            }
        }
    }

    private interface Loader {
        Properties load() throws Exception;
    }

    private static void print(PrintStream out, Loader loader) throws Exception {
        Properties properties;
        try {
            properties = loader.load();
        } catch (IllegalArgumentException e) {
            out.print("error\n");
            return;
        }
        StringBuilder line = new StringBuilder().append(properties.size());
        for (Map.Entry<Object, Object> entry : properties.entrySet()) {
            line.append(' ').append(hex((String) entry.getKey())).append(' ').append(hex((String) entry.getValue()));
        }
        out.print(line.append('\n'));
    }

    private static String hex(String text) {
        StringBuilder hex = new StringBuilder("x");
        for (int i = 0; i < text.length(); i++) {
            hex.append(String.format("%04x", (int) text.charAt(i)));
        }
        return hex.toString();
    }
}
