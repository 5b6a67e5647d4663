import ArgumentParser

/// `--json` of the commands that print results (bench, benchmark, evaluate, summary): JSON on
/// standard output, one object per line, instead of text.
struct JSONFlag: ParsableArguments {
    @Flag(help: "Print JSON on stdout, one object per line (default: text).")
    var json = false
}
