"""From records to model inputs: filters, windows, patient-wise splits, window sets, augmentation."""
