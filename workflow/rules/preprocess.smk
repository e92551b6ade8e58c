# Filtering and windowing in batches of records (parallel jobs), the labelled events between them,
# the split.

# annotate reads headers; the signals for QRS detection; the annotation files when it uses them.
ANNOTATE_EXTENSIONS = (
    ["hea"]
    + (["dat"] if CONFIG["events"]["source"] == "qrs" else [])
    + ([ANNOTATION_EXT] if needs_annotation_file(CONFIG) else [])
)


# Filter and window jobs take records_per_job records each: a job pays its start-up (interpreter
# and imports, about 1.5 s) once per batch, and every record keeps its own outputs and log.
# One rule per batch (filter_1, window_1, ...); the target `windows` (Snakefile) builds them all.
for number, batch in enumerate(BATCHES, 1):

    rule:
        name:
            f"filter_{number}"
        input:
            headers=[record_file("hea").format(record=r) for r in batch],
            signals=[record_file("dat").format(record=r) for r in batch],
        output:
            filtered=[OUT.filtered(r) for r in batch],
        params:
            config=CONFIG_FILE,
            records=batch,
            # not arguments: a change of these sections reruns the rule
            rerun_if_changed=dict(
                filter=CONFIG["filter"],
                channels=CONFIG["window"]["channels"],  # the filtered file holds only those
            ),
        log:
            records=[OUT.log(f"filter/{r}") for r in batch],
            job=OUT.log(f"filter/job{number}"),
        benchmark:
            OUT.benchmark(f"filter/job{number}")
        conda:
            CONDA_ENV
        shell:
            "signalrnn filter --config {params.config} --record {params.records}"
            " --out {output.filtered} --log {log.records} > {log.job} 2>&1"

    rule:
        name:
            f"window_{number}"
        input:
            filtered=[OUT.filtered(r) for r in batch],
            events=[OUT.events(r) for r in batch],
        output:
            windows=[OUT.windows(r) for r in batch],
            index=[OUT.window_index(r) for r in batch],
            dropped=[OUT.window_drops(r) for r in batch],
        params:
            config=CONFIG_FILE,
            records=batch,
            # not arguments: a change of these settings reruns the rule
            rerun_if_changed=dict(window=CONFIG["window"], flat_ms=CONFIG["filter"]["flat_ms"]),
        log:
            records=[OUT.log(f"window/{r}") for r in batch],
            job=OUT.log(f"window/job{number}"),
        benchmark:
            OUT.benchmark(f"window/job{number}")
        conda:
            CONDA_ENV
        shell:
            "signalrnn window --config {params.config} --record {params.records}"
            " --filtered {input.filtered} --events {input.events} --windows {output.windows}"
            " --index {output.index} --dropped {output.dropped} --log {log.records} > {log.job} 2>&1"


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
