// placeholder until the runtime stage lands
