# The sim-to-real check (real_recordings section, docs/real-recordings.md): what the trained model
# says about the predicted real records, beside their dominant frequency and clinical indices.

REAL_TABLES = ["channels", "segments", "patients"]


rule real_recordings:
    input:
        predictions=expand(OUT.predicted("{record}", "csv"), record=PREDICT_RECORDS),
        records=expand(f"{PREDICT['records_dir']}/{{record}}.{{ext}}", record=PREDICT_RECORDS, ext=["hea", "dat"]),
    output:
        tables=[OUT.real_table(name) for name in REAL_TABLES],
        summary=OUT.real_summary,
        figure=report(OUT.real_figure, caption="../report/real_recordings.rst", category="Real recordings"),
    params:
        config=CONFIG_FILE,
        rerun_if_changed=CONFIG["real_recordings"],  # not an argument: a change reruns the rule
    log:
        OUT.log("real_recordings"),
    benchmark:
        OUT.benchmark("real_recordings")
    conda:
        CONDA_ENV
    shell:
        "signalrnn real-recordings --config {params.config} > {log} 2>&1"
