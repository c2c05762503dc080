// placeholder until the engine stage lands
