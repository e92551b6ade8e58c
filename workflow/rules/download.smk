# The records of a PhysioNet database, fetched only when data_dir holds no records yet.
if DOWNLOAD:

    rule download:
        output:
            expand(record_file("{ext}"), record=RECORDS, ext=RECORD_EXTENSIONS),
        params:
            config=CONFIG_FILE,
            physionet_db=CONFIG["physionet_db"],
        log:
            OUT.log("download"),
        benchmark:
            OUT.benchmark("download")
        conda:
            CONDA_ENV
        shell:
            "signalrnn download --config {params.config} > {log} 2>&1"
