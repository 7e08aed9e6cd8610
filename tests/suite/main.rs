mod org_seed;
