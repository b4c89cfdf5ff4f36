package dev.callscope.dissect.dubbo;

/** JVM parameter type descriptors as Dubbo sends them ({@code ReflectUtils.getDesc}): "Ljava/lang/String;[IJ". */
final class Descriptors {
    private Descriptors() {
    }

    /** How many parameter types {@code desc} lists, or -1 when it is not a descriptor list. */
    static int count(final String desc) {
        if (desc == null || desc.isEmpty()) {
            return 0;
        }
        int n = 0;
        int i = 0;
        final int len = desc.length();
        while (i < len) {
            char c = desc.charAt(i);
            while (c == '[') {
                if (++i >= len) {
                    return -1;
                }
                c = desc.charAt(i);
            }
            if (c == 'L') {
                final int semi = desc.indexOf(';', i);
                if (semi < 0) {
                    return -1;
                }
                i = semi + 1;
            } else if ("ZBCDFIJSV".indexOf(c) >= 0) {
                i++;
            } else {
                return -1;
            }
            n++;
        }
        return n;
    }
}
