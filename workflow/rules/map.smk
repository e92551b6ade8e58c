# Maps of every predicted record over its electrode array (mapping section of the config):
# `snakemake maps` (target in the Snakefile) builds results/<name>/maps/<record>/ (CSV tables, figures, report.html).
# The electrode layout is the mapping section's if it gives one, else the predicting model's (its
# model.json; a models:/ URI is not fetched again here), else the simulator's array.

MAP_TABLES = ["lat", "electrodes", "block", "velocity"]


rule map:
    input:
        predictions=OUT.predicted("{record}", "csv"),
        record=[f"{PREDICT['records_dir']}/{{record}}.{ext}" for ext in ("hea", "dat")],
        meta=[] if REGISTERED else str(Path(PREDICT_MODEL).with_name("model.json")),
    output:
        report=OUT.map_report("{record}"),
        tables=[OUT.maps_dir("{record}") / f"{name}.csv" for name in MAP_TABLES],
    params:
        config=CONFIG_FILE,
        record=lambda wildcards: f"{PREDICT['records_dir']}/{wildcards.record}",
        out=lambda wildcards, output: Path(output.report).parent,
        model=lambda wildcards, input: f"--model {input.meta}" if input.meta else "",
        rerun_if_changed=CONFIG["mapping"],  # not an argument: a change of mapping reruns the rule
    log:
        OUT.log("map/{record}"),
    benchmark:
        OUT.benchmark("map/{record}")
    conda:
        CONDA_ENV
    shell:
        "signalrnn map --config {params.config} --record {params.record} "
        "--predictions {input.predictions} {params.model} --out {params.out} > {log} 2>&1"

