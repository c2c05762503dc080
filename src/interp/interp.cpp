// placeholder until the interp stage lands
