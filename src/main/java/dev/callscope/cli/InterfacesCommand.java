package dev.callscope.cli;

import dev.callscope.capture.Interfaces;
import dev.callscope.output.InterfacesView;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code callscope interfaces}: capture devices, like {@code tshark -D}. */
@Command(name = "interfaces", mixinStandardHelpOptions = true,
    description = "List the interfaces live capture can use (like tshark -D): number, name, description, flags, addresses. Needs libpcap.",
    footerHeading = "%nExample:%n",
    footer = {"  callscope interfaces", "  callscope interfaces --json"})
public final class InterfacesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws Exception {
        final List<Interfaces.Device> devices = Interfaces.list();
        final List<InterfacesView.Row> rows = devices.stream()
            .map(d -> new InterfacesView.Row(d.index(), d.name(), d.description(), d.loopback(), d.up(), d.addresses())).toList();
        output.emit(spec, out -> InterfacesView.json(out, rows), out -> InterfacesView.jsonl(out, rows),
            out -> devices.forEach(d -> out.println(d.line())));
        if (devices.isEmpty()) {
            spec.commandLine().getErr().println("callscope: no interfaces found (capturing may need root or cap_net_raw)");
        }
        return ExitCodes.OK;
    }
}
