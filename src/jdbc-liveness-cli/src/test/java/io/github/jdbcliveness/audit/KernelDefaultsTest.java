package io.github.jdbcliveness.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KernelDefaultsTest {

    /** procfs files report size 0; a reader that trusts the size read "1" for a tcp_retries2 of 15. */
    @Test
    void read_getsTheWholeProcValue_asCatShowsIt() throws Exception {
        Path retries2 = Path.of("/proc/sys/net/ipv4/tcp_retries2");
        assumeTrue(Files.isReadable(retries2), "no /proc/sys here");
        Process cat = new ProcessBuilder("cat", retries2.toString()).start();
        String expected = new String(cat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertEquals(0, cat.waitFor());
        assertEquals(Integer.parseInt(expected), KernelDefaults.read().retries2());
    }
}
