module gosymtop
go 1.19
