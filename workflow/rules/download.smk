# The records of a PhysioNet database, fetched only when data_dir holds no records yet.
if DOWNLOAD:

    rule download:
        output:
            records=expand(record_file("{ext}"), record=RECORDS, ext=RECORD_EXTENSIONS),
        params:
            config=CONFIG_FILE,
            rerun_if_changed=CONFIG["physionet_db"],  # not an argument: another database reruns the rule
        log:
            OUT.log("download"),
        benchmark:
            OUT.benchmark("download")
        conda:
            CONDA_ENV
        shell:
            "signalrnn download --config {params.config} > {log} 2>&1"
