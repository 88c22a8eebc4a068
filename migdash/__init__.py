"""The command line (`migdash etl|serve|claims|snapshot`): the top floor beside dashboard/."""
