// placeholder until the binary stage lands
