//! Benchmarks of every call, each with the largest value it accepts.

use super::*;
use alloc::boxed::Box;
use frame_support::traits::{EnsureOrigin, Get};
use polkadot_sdk::frame_benchmarking::v2::*;
use sp_runtime::Perbill;
use verity_primitives::{
	emissions::EmissionSplit,
	evaluations::EvaluationParameters,
	subnets::{default_hyperparameter_bounds, default_hyperparameters, SubnetCreationParameters},
};

#[benchmarks]
mod benchmarks {
	use super::*;

	fn origin<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
		T::ParametersOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)
	}

	#[benchmark]
	fn set_authority_count() -> Result<(), BenchmarkError> {
		let origin = origin::<T>()?;
		let count = T::MaxAuthorities::get();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, count);
		assert_eq!(AuthorityCount::<T>::get(), count);
		Ok(())
	}

	#[benchmark]
	fn set_unbonding_period() -> Result<(), BenchmarkError> {
		let origin = origin::<T>()?;
		let blocks = T::MinUnbondingPeriod::get();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, blocks);
		assert_eq!(UnbondingPeriod::<T>::get(), blocks);
		Ok(())
	}

	#[benchmark]
	fn set_emission_split() -> Result<(), BenchmarkError> {
		let origin = origin::<T>()?;
		let split = EmissionSplit {
			owner: Perbill::from_percent(10),
			miners: Perbill::from_percent(45),
			validators: Perbill::from_percent(45),
		};
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, split);
		assert_eq!(Split::<T>::get(), split);
		Ok(())
	}

	#[benchmark]
	fn set_max_subnet_share() -> Result<(), BenchmarkError> {
		let origin = origin::<T>()?;
		let share = Perbill::from_percent(50);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, share);
		assert_eq!(MaxSubnetShare::<T>::get(), share);
		Ok(())
	}

	#[benchmark]
	fn set_subnet_creation() -> Result<(), BenchmarkError> {
		let origin = origin::<T>()?;
		let params = SubnetCreationParameters {
			max_subnets: T::MaxSubnetsLimit::get(),
			..SubnetCreationParameters::default()
		};
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params);
		assert_eq!(SubnetCreation::<T>::get(), params);
		Ok(())
	}

	#[benchmark]
	fn set_hyperparameter_bounds() -> Result<(), BenchmarkError> {
		let origin = origin::<T>()?;
		let bounds = default_hyperparameter_bounds();
		let defaults = default_hyperparameters();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, Box::new(bounds), Box::new(defaults));
		assert_eq!(Bounds::<T>::get(), bounds);
		assert_eq!(DefaultHyperparameters::<T>::get(), defaults);
		Ok(())
	}

	#[benchmark]
	fn set_evaluation_parameters() -> Result<(), BenchmarkError> {
		let origin = origin::<T>()?;
		let params = EvaluationParameters { audit_window: 7, ..Default::default() };
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params);
		assert_eq!(Evaluation::<T>::get(), params);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
