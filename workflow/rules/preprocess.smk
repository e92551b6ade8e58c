# Per-record filtering and windowing (parallel jobs), the labelled events between them, the split.

# annotate reads headers; the signals for QRS detection; the annotation files when it uses them.
ANNOTATE_EXTENSIONS = (
    ["hea"]
    + (["dat"] if CONFIG["events"]["source"] == "qrs" else [])
    + ([ANNOTATION_EXT] if needs_annotation_file(CONFIG) else [])
)


rule filter:
    input:
        header=record_file("hea"),
        signal=record_file("dat"),
    output:
        filtered=OUT.filtered("{record}"),
    params:
        config=CONFIG_FILE,
        # not arguments: a change of these sections reruns the rule
        rerun_if_changed=dict(
            filter=CONFIG["filter"],
            channels=CONFIG["window"]["channels"],  # the filtered file holds only those
        ),
    log:
        OUT.log("filter/{record}"),
    benchmark:
        OUT.benchmark("filter/{record}")
    conda:
        CONDA_ENV
    shell:
        "signalrnn filter --config {params.config} --record {wildcards.record}"
        " --out {output.filtered} > {log} 2>&1"


rule annotate:
    input:
        records=expand(record_file("{ext}"), record=RECORDS, ext=ANNOTATE_EXTENSIONS),
        label_table=[CONFIG["annotation"]["table"]] if CONFIG["annotation"]["source"] == "table" else [],
    output:
        events=expand(OUT.events("{record}"), record=RECORDS),
    params:
        config=CONFIG_FILE,
        # not arguments: a change of these settings reruns the rule
        rerun_if_changed=dict(
            annotation=CONFIG["annotation"],
            events=CONFIG["events"],
            window_ms=[CONFIG["window"]["pre_ms"], CONFIG["window"]["post_ms"]],
            patient_regex=CONFIG["patient_regex"],
        ),
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
        filtered=OUT.filtered("{record}"),
        events=OUT.events("{record}"),
    output:
        windows=OUT.windows("{record}"),
        index=OUT.window_index("{record}"),
        dropped=OUT.window_drops("{record}"),
    params:
        config=CONFIG_FILE,
        # not arguments: a change of these settings reruns the rule
        rerun_if_changed=dict(window=CONFIG["window"], flat_ms=CONFIG["filter"]["flat_ms"]),
    log:
        OUT.log("window/{record}"),
    benchmark:
        OUT.benchmark("window/{record}")
    conda:
        CONDA_ENV
    shell:
        "signalrnn window --config {params.config} --record {wildcards.record}"
        " --filtered {input.filtered} --events {input.events} --windows {output.windows}"
        " --index {output.index} --dropped {output.dropped} > {log} 2>&1"


checkpoint split:
    input:
        events=expand(OUT.events("{record}"), record=RECORDS),
    output:
        split=OUT.split,
    params:
        config=CONFIG_FILE,
        rerun_if_changed=CONFIG["split"],  # not an argument: a change of split reruns the rule
    log:
        OUT.log("split"),
    benchmark:
        OUT.benchmark("split")
    conda:
        CONDA_ENV
    shell:
        "signalrnn split --config {params.config} > {log} 2>&1"
