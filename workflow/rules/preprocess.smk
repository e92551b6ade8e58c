# Per-record filtering and windowing (parallel jobs), the labelled events between them, the split.

# annotate reads headers; the signals for QRS detection; the annotation files when it uses them.
ANNOTATE_EXTENSIONS = (
    ["hea"]
    + (["dat"] if CONFIG["events"]["source"] == "qrs" else [])
    + ([ANNOTATION_EXT] if needs_annotation_file(CONFIG) else [])
)


rule filter:
    input:
        record_file("hea"),
        record_file("dat"),
    output:
        OUT.filtered("{record}"),
    params:
        config=CONFIG_FILE,
        filter=CONFIG["filter"],
        channels=CONFIG["window"]["channels"],  # the filtered file holds only those
    log:
        OUT.log("filter/{record}"),
    benchmark:
        OUT.benchmark("filter/{record}")
    conda:
        CONDA_ENV
    shell:
        "signalrnn filter --config {params.config} --record {wildcards.record} > {log} 2>&1"


rule annotate:
    input:
        expand(record_file("{ext}"), record=RECORDS, ext=ANNOTATE_EXTENSIONS),
        [CONFIG["annotation"]["table"]] if CONFIG["annotation"]["source"] == "table" else [],
    output:
        expand(OUT.events("{record}"), record=RECORDS),
    params:
        config=CONFIG_FILE,
        annotation=CONFIG["annotation"],
        events=CONFIG["events"],
        window_ms=[CONFIG["window"]["pre_ms"], CONFIG["window"]["post_ms"]],
        patient_regex=CONFIG["patient_regex"],
    log:
        OUT.log("annotate"),
    benchmark:
        OUT.benchmark("annotate")
    conda:
        CONDA_ENV
    shell:
        "signalrnn annotate --config {params.config} > {log} 2>&1"


rule window:
    input:
        OUT.filtered("{record}"),
        OUT.events("{record}"),
    output:
        OUT.windows("{record}"),
        OUT.window_index("{record}"),
        OUT.window_drops("{record}"),
    params:
        config=CONFIG_FILE,
        window=CONFIG["window"],
        flat_ms=CONFIG["filter"]["flat_ms"],
    log:
        OUT.log("window/{record}"),
    benchmark:
        OUT.benchmark("window/{record}")
    conda:
        CONDA_ENV
    shell:
        "signalrnn window --config {params.config} --record {wildcards.record} > {log} 2>&1"


checkpoint split:
    input:
        expand(OUT.events("{record}"), record=RECORDS),
    output:
        OUT.split,
    params:
        config=CONFIG_FILE,
        split=CONFIG["split"],
    log:
        OUT.log("split"),
    benchmark:
        OUT.benchmark("split")
    conda:
        CONDA_ENV
    shell:
        "signalrnn split --config {params.config} > {log} 2>&1"
