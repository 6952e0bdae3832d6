package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KernelViewTest {

    @Test
    void ssSeconds_readsIproute2sTimerFormat() {
        assertEquals(1.996, KernelView.ssSeconds("1.996ms"), 1e-9);
        assertEquals(0.588, KernelView.ssSeconds("588ms"), 1e-9);
        assertEquals(74, KernelView.ssSeconds("1min14sec"), 1e-9);
        assertEquals(2, KernelView.ssSeconds("2sec"), 1e-9);
        assertEquals(600, KernelView.ssSeconds("10min"), 1e-9);
    }
}
